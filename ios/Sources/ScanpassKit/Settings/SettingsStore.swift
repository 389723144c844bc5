// The settings screen's store: the core's SettingsScreen (relay, auto-lock, language, unlocking
// with Face ID / Touch ID), each accepted change saved by the core at once; a refused relay comes
// back by field (`relay`). The Face ID / Touch ID switch is there when the store is given the
// vault and the Keychain key store; what the device can do is told to the core on `load`.

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

    @ObservationIgnored private let availability: (any BiometricAvailability)?

    /// The settings of the vault folder `directory`, worded in `locale`. With `vault` (open) and
    /// `deviceKeys` (the Keychain key store), the Face ID / Touch ID switch: turning it on keeps
    /// the vault key in the Keychain (bound to biometrics: KeychainKeyStore.protectionChosen),
    /// off deletes it there. `availability`: what the device can do, asked on `load`.
    public init(
        directory: URL,
        locale: String,
        vault: Vault? = nil,
        deviceKeys: (any KeyStore)? = nil,
        availability: (any BiometricAvailability)? = nil
    ) {
        let dir = directory.standardizedFileURL.path
        if let vault, let deviceKeys {
            screen = SettingsScreen.withDeviceUnlock(dir: dir, locale: locale, vault: vault, deviceKeys: deviceKeys)
        } else {
            screen = SettingsScreen(dir: dir, locale: locale)
        }
        self.availability = availability
    }

    public func load() async {
        let screen = self.screen
        view = await core.run { screen.view() }
        if let availability {
            await deviceBiometrics(availability.biometrics())
        }
    }

    /// Turn unlocking with Face ID / Touch ID on or off (the core refuses "on" while the device
    /// has none enrolled; a cancelled Keychain prompt leaves it off, and the view says so).
    public func setDeviceUnlock(_ on: Bool) async { await send(.setDeviceUnlock(on: on)) }
    /// What the device can do now (on showing the screen, and on coming back to the app).
    public func deviceBiometrics(_ biometrics: Biometrics) async { await send(.deviceBiometrics(biometrics: biometrics)) }

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
