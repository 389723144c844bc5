// Face ID / Touch ID for appointment mode's leave check (ScanpassKit's BiometricPrompt), and what
// the device can do (BiometricAvailability, for the core's start and settings models), over
// LocalAuthentication. The reason shown is the core's sentence. Apple's SDK only: parsed here.

import LocalAuthentication
import Scanpass
import ScanpassKit

struct DeviceBiometrics: BiometricPrompt, BiometricAvailability {
    func biometrics() -> Biometrics {
        var error: NSError?
        if LAContext().canEvaluatePolicy(.deviceOwnerAuthenticationWithBiometrics, error: &error) {
            return .ready
        }
        return error?.code == LAError.biometryNotEnrolled.rawValue ? .notEnrolled : .unavailable
    }

    func evaluate(reason: String) async -> Bool {
        let context = LAContext()
        var error: NSError?
        guard context.canEvaluatePolicy(.deviceOwnerAuthenticationWithBiometrics, error: &error) else {
            return false
        }
        do {
            return try await context.evaluatePolicy(.deviceOwnerAuthenticationWithBiometrics, localizedReason: reason)
        } catch {
            // cancelled or failed: the core then asks for the passphrase
            return false
        }
    }
}
