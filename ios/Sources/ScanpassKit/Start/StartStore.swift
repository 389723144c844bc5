// The start and lock screen's store: the core's StartScreen model, published on the main actor.
//
// The core decides everything: whether to create or unlock, whether a passphrase is strong
// enough (refusals by field), how many attempts are left and how long to wait, when the idle
// time is over, and whether the library may show (`view.showLibrary`). The store forwards what
// the patient did and the shell's clock (activity, background, a tick) and publishes the views.

import Foundation
import Observation
import Scanpass

@MainActor
@Observable
public final class StartStore {
    /// What to draw; `nil` until the screen is open.
    public private(set) var view: StartView?
    /// The last refused call: the core's sentence, and the refused fields of the creation form
    /// (`message.message(for: "passphrase")`, `"confirm"`).
    public private(set) var message: PatientMessage?
    /// A call is running (creating or unlocking derives a key: about 0.3 s).
    public private(set) var busy = false

    /// Called with each new view (AppStore follows `showLibrary` through it).
    @ObservationIgnored public var onView: (@MainActor (StartView) -> Void)?

    @ObservationIgnored private var screen: StartScreen?
    @ObservationIgnored private let core = CoreQueue(label: "start")
    @ObservationIgnored private let now: @Sendable () -> UInt64
    @ObservationIgnored private var order = CallOrder()

    /// - Parameter now: the shell's clock in milliseconds (only differences count).
    public init(now: @escaping @Sendable () -> UInt64 = StartStore.wallClock) {
        self.now = now
    }

    public nonisolated static func wallClock() -> UInt64 {
        UInt64(max(0, Date().timeIntervalSince1970 * 1000))
    }

    /// Open the screen over the vault folder `directory` (a vault there is opened, locked).
    /// `deviceKeys`: the Keychain key store, when the app keeps the vault key there.
    public func open(in directory: URL, deviceKeys: (any KeyStore)?, locale: String) async {
        let dir = directory.standardizedFileURL.path
        do {
            let screen = try await core.run { try StartScreen(dir: dir, deviceKeys: deviceKeys, locale: locale) }
            self.screen = screen
            publish(await core.run { screen.view() })
        } catch {
            message = PatientMessage(error)
        }
    }

    /// The open vault (locked or not), for the other screens; `nil` before creation.
    public func vault() async -> Vault? {
        guard let screen else { return nil }
        return await core.run { screen.vault() }
    }

    // MARK: what the patient did

    public func create(passphrase: String, confirm: String) async {
        await send(.create(passphrase: passphrase, confirm: confirm))
    }
    public func unlock(passphrase: String) async { await send(.unlock(passphrase: passphrase)) }
    public func unlockWithDevice() async { await send(.unlockWithDevice) }
    /// What the device can do for Face ID / Touch ID (on opening and on coming back): the core
    /// offers the device's button only when the patient chose it and the device can.
    public func deviceBiometrics(_ biometrics: Biometrics) async { await send(.deviceBiometrics(biometrics: biometrics)) }
    public func lock() async { await send(.lock) }

    // MARK: the shell's clock (auto-lock: the core decides when)

    /// The patient touched the app.
    public func activity() async { await send(.activity(nowMs: now())) }
    /// The app went to the background.
    public func background() async { await send(.background(nowMs: now())) }
    /// The app came back: a tick tells the core the time, and it locks if the idle time is over.
    public func tick() async { await send(.tick(nowMs: now())) }

    /// Tick every `interval` until the calling task is cancelled (SwiftUI's `.task`).
    public func watchIdle(every interval: Duration = .seconds(5)) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if Task.isCancelled { break }
            await tick()
        }
    }

    public func dismissMessage() { message = nil }

    public func send(_ event: StartEvent) async {
        guard let screen else { return }
        let number = order.issue()
        busy = true
        defer { busy = false }
        do {
            let next = try await core.run { try screen.handle(event: event) }
            guard order.accept(number) else { return }
            message = nil
            publish(next)
        } catch {
            message = PatientMessage(error)
            // a refusal may change the view too (attempts left, the wait)
            let number = order.issue()
            let current = await core.run { screen.view() }
            if order.accept(number) { publish(current) }
        }
    }

    private func publish(_ next: StartView) {
        view = next
        onView?(next)
    }
}
