// The receive screen's store: the core's ReceiveScreen model, published on the main actor.
//
// A link reaches it pasted, typed, scanned from a QR code or opened as a universal link; the
// core checks it ("not a Scanpass link, or cut when copied"), asks for the passcode with the
// attempts the relay allows, downloads with progress and imports. The store forwards the link
// and the passcode, runs the download off the main actor and lets the patient cancel.
//
// The link carries the share's key: it is never logged or saved for the next launch.

import Foundation
import Observation
import Scanpass

@MainActor
@Observable
public final class ReceiveStore {
    public private(set) var view: ReceiveScreenView?
    public private(set) var running = false
    public private(set) var message: PatientMessage?

    @ObservationIgnored private let screen: ReceiveScreen
    @ObservationIgnored private let core = CoreQueue(label: "receive")
    @ObservationIgnored private let receiving = CoreQueue(label: "receive.run")

    public init(vault: Vault, locale: String) {
        screen = ReceiveScreen(vault: vault, locale: locale)
    }

    public func load() async {
        let screen = self.screen
        view = await core.run { screen.view() }
    }

    /// The link field changed: typed, pasted, scanned.
    public func setLink(_ text: String) async { await send(.setLink(link: text)) }

    /// A universal link opened the app (or a QR code held a URL): the same as pasting it.
    public func open(_ url: URL) async { await setLink(url.absoluteString) }

    public func dismiss() async { await send(.dismiss) }
    public func dismissMessage() { message = nil }

    public func send(_ event: ReceiveScreenEvent) async {
        let screen = self.screen
        do {
            view = try await core.run { try screen.handle(event: event) }
            message = nil
        } catch {
            message = PatientMessage(error)
        }
    }

    /// Open the link with `passcode` (nil when the prompt is not shown): a missing or wrong one
    /// comes back as the prompt with its error and the attempts left.
    public func receive(passcode: String?) async {
        guard !running else { return }
        running = true
        message = nil
        defer { running = false }
        let screen = self.screen
        do {
            view = try await runLongCall(on: receiving, publish: { [weak self] in self?.progress($0) }) { stream in
                try screen.receive(passcode: passcode, listener: stream)
            }
        } catch {
            message = PatientMessage(error)
            view = await core.run { screen.view() }
        }
    }

    private func progress(_ view: ReceiveScreenView) {
        if running { self.view = view }
    }

    /// Stop the download: what arrived is kept. Quick, straight from the main actor.
    public func cancel() { screen.cancel() }
}
