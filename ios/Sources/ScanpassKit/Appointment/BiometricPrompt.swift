// Face ID / Touch ID as appointment mode asks for it before leaving (the core's
// AppointmentEffect.askBiometrics, with its reason in the patient's language). The app's
// implementation is LocalAuthentication (App/Platform/DeviceBiometrics.swift, parsed only here);
// the tests answer with a stand-in.

public protocol BiometricPrompt: Sendable {
    /// Show the system's prompt with `reason`; true when the patient passed it.
    func evaluate(reason: String) async -> Bool
}
