// The key store the app gives the core: KeychainKeyStore over the real Keychain (SecurityKeychain).
// Whether the item is bound to Face ID / Touch ID is the patient's choice, kept by the core in the
// vault folder's settings (KeychainKeyStore.protectionChosen); the reason shown with Face ID is the
// core's sentence in the device's language.

import Foundation
import Scanpass
import ScanpassKit

enum AppKeyStore {
    static func make(vaultIn directory: URL) -> KeychainKeyStore {
        KeychainKeyStore(
            keychain: SecurityKeychain(),
            protection: { KeychainKeyStore.protectionChosen(forVaultIn: directory) },
            prompt: { commonWords(locale: CoreLocale.current).biometricTitle }
        )
    }
}
