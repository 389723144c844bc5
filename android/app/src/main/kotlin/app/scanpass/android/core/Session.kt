// The vault the screens draw, held for the process. This is plumbing, not a rule: which vault,
// and whether it is unlocked, is the core's start/lock screen model's to decide (issue 17, screen
// 1, being written in core/src/screens/); until it is merged, [Session.openOrCreate] opens the one
// vault under noBackupFilesDir with the Android Keystore key store, or creates it.
package app.scanpass.android.core

import android.content.Context
import app.scanpass.android.keystore.AndroidKeystoreKeyStore
import app.scanpass.ffi.KeyStore
import app.scanpass.ffi.Vault
import app.scanpass.ffi.vaultExists
import java.io.File

object Session {
    @Volatile private var vault: Vault? = null
    @Volatile private var installedDir: File? = null

    /** The vault, opened on first use. Blocks: call from [core]. */
    fun vault(context: Context): Vault =
        vault ?: synchronized(this) { vault ?: openOrCreate(context.applicationContext).also { vault = it } }

    /** The vault if one is open (quick). */
    fun current(): Vault? = vault

    /** Interim until the start/lock screen model lands (see the file's comment). */
    private fun openOrCreate(context: Context): Vault {
        val dir = dir(context)
        val keys: KeyStore = AndroidKeystoreKeyStore.create(context)
        return if (vaultExists(dir.path)) {
            Vault.open(dir.path).also { it.unlock(keys) }
        } else {
            Vault.create(dir.path, keys)
        }
    }

    /** The vault's folder (the core keeps the settings beside the vault there). */
    fun dir(context: Context): File = installedDir ?: File(context.noBackupFilesDir, "vault")

    /** Tests: draw this vault (created and filled by the test), in [dir] when given. */
    fun install(v: Vault?, dir: File? = null) {
        synchronized(this) {
            vault = v
            installedDir = dir
        }
    }
}
