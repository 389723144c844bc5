// The key store the app gives the core: KeychainKeyStore over the real Keychain (SecurityKeychain).
//
// Interim until the core's start and lock and settings screen models merge (issue 17): whether
// the patient chose Face ID / Touch ID is read from the app's defaults, and the prompt shown with
// it is the app's Face ID usage description (Info.plist, project.yml). Both will come from the
// core's models.

import Foundation
import ScanpassKit

enum AppKeyStore {
    static let biometricsKey = "scanpass.unlock.biometrics"

    static func make() -> KeychainKeyStore {
        KeychainKeyStore(
            keychain: SecurityKeychain(),
            protection: {
                UserDefaults.standard.bool(forKey: biometricsKey) ? .biometryCurrentSet : .deviceUnlocked
            },
            prompt: {
                Bundle.main.object(forInfoDictionaryKey: "NSFaceIDUsageDescription") as? String ?? ""
            }
        )
    }
}
