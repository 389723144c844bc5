// Face ID / Touch ID for appointment mode's leave check (ScanpassKit's BiometricPrompt), over
// LocalAuthentication. The reason shown is the core's sentence. Apple's SDK only: parsed here.

import LocalAuthentication
import ScanpassKit

struct DeviceBiometrics: BiometricPrompt {
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
