// The share screen's store: the core's ShareScreen form, its upload and its result, published on
// the main actor.
//
// The core holds the form (studies and series, the de-identification preset with its plain
// explanation, expiry, download limit, passcode and its suggestion), refuses it by field, warns
// about burned-in text, uploads with resume, and words the result (the link, its QR code, the
// text to send with it). The store forwards the patient's choices, runs the upload off the main
// actor with its progress views in order, and lets the patient cancel (sharing again resumes).
//
// The link carries the share's key: it is shown and handed to the share sheet, never logged.

import Foundation
import Observation
import Scanpass

@MainActor
@Observable
public final class ShareStore {
    public private(set) var view: ShareScreenView?
    public private(set) var running = false
    public private(set) var message: PatientMessage?

    /// The core's sentence for a refused field (`studies`, `series`, `expiry`, `downloads`,
    /// `passcode`), if any.
    public func error(for field: String) -> String? {
        view?.form.errors.first { $0.field == field }?.message
    }

    @ObservationIgnored private var screen: ShareScreen?
    @ObservationIgnored private let core = CoreQueue(label: "share")
    @ObservationIgnored private let uploading = CoreQueue(label: "share.run")

    public init() {}

    /// The form for `studyId`, sharing through `relay` (the settings' relay).
    public func open(vault: Vault, studyId: String, relay: String, locale: String, viewer: String? = nil) async {
        do {
            let screen = try await core.run {
                try ShareScreen(vault: vault, locale: locale, relay: relay, studyId: studyId, viewer: viewer)
            }
            self.screen = screen
            view = await core.run { screen.view() }
        } catch {
            message = PatientMessage(error)
        }
    }

    public func toggleStudy(_ id: String) async { await send(.toggleStudy(studyId: id)) }
    public func toggleSeries(_ id: String) async { await send(.toggleSeries(seriesId: id)) }
    public func setDeidentify(_ preset: Deidentify?) async { await send(.setDeidentify(preset: preset)) }
    public func setExpiry(days: UInt32) async { await send(.setExpiryDays(days: days)) }
    public func setDownloadLimit(_ limit: UInt32?) async { await send(.setDownloadLimit(limit: limit)) }
    public func usePasscode(_ on: Bool) async { await send(.usePasscode(enabled: on)) }
    public func setPasscode(_ text: String) async { await send(.setPasscode(passcode: text)) }
    public func useSuggestedPasscode() async { await send(.useSuggestedPasscode) }
    public func dismiss() async { await send(.dismiss) }
    public func dismissMessage() { message = nil }

    public func send(_ event: ShareScreenEvent) async {
        guard let screen else { return }
        do {
            view = try await core.run { try screen.handle(event: event) }
            message = nil
        } catch {
            message = PatientMessage(error)
        }
    }

    /// Share what the form says: a form with refusals comes back at once with its errors by
    /// field; otherwise the upload runs and the result (link, QR, text to send) is published.
    public func share() async {
        guard let screen, !running else { return }
        running = true
        message = nil
        defer { running = false }
        do {
            view = try await runLongCall(on: uploading, publish: { [weak self] in self?.progress($0) }) { stream in
                try screen.share(listener: stream)
            }
        } catch {
            message = PatientMessage(error)
            view = await core.run { screen.view() }
        }
    }

    private func progress(_ view: ShareScreenView) {
        if running { self.view = view }
    }

    /// Stop the upload; sharing again resumes it. Quick, straight from the main actor.
    public func cancel() { screen?.cancel() }
}

/// The patient's shares: their state and access log in words, revoke with the core's question.
@MainActor
@Observable
public final class MySharesStore {
    public private(set) var view: MySharesView?
    public private(set) var message: PatientMessage?
    public var confirmation: Confirmation? { view?.confirm }

    @ObservationIgnored private let screen: MySharesScreen
    @ObservationIgnored private let core = CoreQueue(label: "my-shares")

    public init(vault: Vault, locale: String) {
        screen = MySharesScreen(vault: vault, locale: locale)
    }

    /// The list as the vault knows it (quick).
    public func load() async {
        let screen = self.screen
        await call { try screen.view() }
    }

    /// Ask the relay how each share stands (network).
    public func refresh() async { await send(.refresh) }
    public func askRevoke(_ shareId: String) async { await send(.askRevoke(shareId: shareId)) }
    public func confirmRevoke() async { await send(.confirmRevoke) }
    public func cancelRevoke() async { await send(.cancelRevoke) }
    public func dismissMessage() { message = nil }

    public func send(_ event: MySharesEvent) async {
        let screen = self.screen
        await call { try screen.handle(event: event) }
    }

    private func call(_ body: @escaping @Sendable () throws -> MySharesView) async {
        do {
            view = try await core.run(body)
            message = nil
        } catch {
            message = PatientMessage(error)
        }
    }
}
