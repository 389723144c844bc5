// The settings screen's store: the core's SettingsScreen (relay, auto-lock, language), each
// accepted change saved by the core at once; a refused relay comes back by field (`relay`).

import Foundation
import Observation
import Scanpass

@MainActor
@Observable
public final class SettingsStore {
    public private(set) var view: SettingsView?
    /// A refused change: the core's sentence (`message.message(for: "relay")`).
    public private(set) var message: PatientMessage?

    @ObservationIgnored private let screen: SettingsScreen
    @ObservationIgnored private let core = CoreQueue(label: "settings")

    /// The settings of the vault folder `directory`, worded in `locale`.
    public init(directory: URL, locale: String) {
        screen = SettingsScreen(dir: directory.standardizedFileURL.path, locale: locale)
    }

    public func load() async {
        let screen = self.screen
        view = await core.run { screen.view() }
    }

    public func setRelay(_ url: String) async { await send(.setRelay(url: url)) }
    public func useDefaultRelay() async { await send(.useDefaultRelay) }
    public func setAutoLock(_ value: AutoLock) async { await send(.setAutoLock(autoLock: value)) }
    /// `nil`: the device's language.
    public func setLanguage(_ code: String?) async { await send(.setLanguage(code: code)) }
    public func dismissMessage() { message = nil }

    /// The relay shares go through now.
    public func relay() async -> String {
        let screen = self.screen
        return await core.run { screen.relay() }
    }

    public func send(_ event: SettingsEvent) async {
        let screen = self.screen
        do {
            view = try await core.run { try screen.handle(event: event) }
            message = nil
        } catch {
            message = PatientMessage(error)
        }
    }
}
