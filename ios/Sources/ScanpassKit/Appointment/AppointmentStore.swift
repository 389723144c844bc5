// Appointment mode's store: the core's AppointmentMode model, published on the main actor.
//
// The core decides what may show (`showNavigation`, the pinned study and series, whether the
// overlay hides the name), that screenshots and recording are blocked (`blockScreenshots`), and
// how leaving is checked (biometrics first when the Keychain keeps the key, else the
// passphrase, with attempts left). The store performs the effect the core asks for (the
// biometric prompt) and sends back its answer.

import Foundation
import Observation
import Scanpass

@MainActor
@Observable
public final class AppointmentStore {
    /// What may show; read by the shell (navigation, capture protection) and the viewer.
    public private(set) var view: AppointmentView?
    public private(set) var message: PatientMessage?

    /// Whether the shell must hide everything but the pinned study (and its navigation).
    public var isActive: Bool { view?.active ?? false }
    /// Whether an incoming share link may open now (the core's decision: not while the mode is
    /// on). The shell keeps the link and asks again when the view changes.
    public var linksMayOpen: Bool { view?.linksMayOpen ?? true }
    /// The passphrase prompt to show, when the core asks for it.
    public var passphrasePrompt: String? {
        if case let .askPassphrase(prompt)? = view?.effect { return prompt }
        return nil
    }

    @ObservationIgnored private let mode: AppointmentMode
    @ObservationIgnored private let biometrics: (any BiometricPrompt)?
    @ObservationIgnored private let core = CoreQueue(label: "appointment")

    public init(vault: Vault, deviceKeys: (any KeyStore)?, locale: String, biometrics: (any BiometricPrompt)?) {
        mode = AppointmentMode(vault: vault, deviceKeys: deviceKeys, locale: locale)
        self.biometrics = biometrics
    }

    public func load() async {
        let mode = self.mode
        view = await core.run { mode.view() }
    }

    /// Pin `studyId` (and optionally one series) to show a doctor.
    public func enter(studyId: String, seriesId: String? = nil, hidePatientName: Bool) async {
        await send(.enter(studyId: studyId, seriesId: seriesId, hidePatientName: hidePatientName))
    }
    public func setHidePatientName(_ hide: Bool) async { await send(.setHidePatientName(hide: hide)) }
    /// The patient asked to leave: the core answers with the check it wants.
    public func leave() async { await send(.leave) }
    public func passphrase(_ text: String) async { await send(.passphrase(passphrase: text)) }
    public func cancelLeave() async { await send(.cancelLeave) }
    public func dismissMessage() { message = nil }

    public func send(_ event: AppointmentEvent) async {
        let mode = self.mode
        do {
            view = try await core.run { try mode.handle(event: event) }
            message = nil
        } catch {
            message = PatientMessage(error)
        }
        await performEffect()
    }

    /// The core asked for biometrics: ask the system, send back the outcome (a failure or a
    /// cancel makes the core ask for the passphrase instead).
    private func performEffect() async {
        guard case let .askBiometrics(reason)? = view?.effect else { return }
        guard let biometrics else {
            await send(.biometricsFailed)
            return
        }
        let passed = await biometrics.evaluate(reason: reason)
        await send(passed ? .biometricsDone : .biometricsFailed)
    }
}
