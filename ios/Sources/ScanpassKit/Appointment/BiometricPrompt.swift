// Face ID / Touch ID as appointment mode asks for it before leaving (the core's
// AppointmentEffect.askBiometrics, with its reason in the patient's language). The app's
// implementation is LocalAuthentication (App/Platform/DeviceBiometrics.swift, parsed only here);
// the tests answer with a stand-in.

import Scanpass

public protocol BiometricPrompt: Sendable {
    /// Show the system's prompt with `reason`; true when the patient passed it.
    func evaluate(reason: String) async -> Bool
}

/// What the device can do for Face ID / Touch ID (LocalAuthentication's `canEvaluatePolicy` on
/// the phone), told to the core's start and settings models, which decide what to offer.
public protocol BiometricAvailability: Sendable {
    func biometrics() -> Biometrics
}
