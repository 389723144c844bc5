// The core's objects that live as long as the process: the start/lock screen's model (which owns
// the one vault: created, opened, locked and unlocked by it) and appointment mode's. Plumbing,
// not rules: whether the vault may be shown is the StartView's `showLibrary`, and the other
// screens get the vault only after the start model said so ([opened]). One device key store for
// the process ([deviceKeys]): the Android Keystore, bound to biometrics when the core's settings
// say the patient chose fingerprint or face unlock, its prompt shown by [BiometricAuthorizer].
package app.scanpass.android.core

import android.content.Context
import app.scanpass.android.keystore.AndroidKeystoreKeyStore
import app.scanpass.android.keystore.BiometricAuthorizer
import app.scanpass.android.keystore.PromptBeforeLoad
import app.scanpass.android.keystore.PromptWords
import app.scanpass.ffi.AppointmentMode
import app.scanpass.ffi.KeyStore
import app.scanpass.ffi.commonWords
import java.util.Locale
import app.scanpass.ffi.StartScreen
import app.scanpass.ffi.StartView
import app.scanpass.ffi.Vault
import java.io.File

object Session {
    @Volatile private var start: StartScreen? = null
    @Volatile private var vault: Vault? = null
    @Volatile private var appointment: AppointmentMode? = null
    @Volatile private var installedDir: File? = null
    @Volatile private var keys: KeyStore? = null

    /**
     * The device's key store: vault keys sealed under the Android Keystore, the Keystore key bound
     * to a strong biometric when the core's settings say so (read at each use), the prompt's words
     * from the core in the device's language.
     */
    fun deviceKeys(context: Context): KeyStore =
        keys ?: synchronized(this) {
            keys ?: context.applicationContext.let { app ->
                AndroidKeystoreKeyStore.create(
                    app,
                    options = { AndroidKeystoreKeyStore.optionsFor(dir(app)) },
                    authorizer = BiometricAuthorizer({
                        commonWords(Locale.getDefault().toLanguageTag()).let { PromptWords(it.biometricTitle, it.biometricCancel) }
                    }),
                )
            }.also { keys = it }
        }

    /**
     * The start screen's model over the app's vault folder (under noBackupFilesDir, out of
     * backups), with the Android Keystore as the device's key store. Made on first use. Blocks
     * (opens the vault's index): call from [core]. The model outlives the Activity (a language
     * change recreates the Activity, not the process): each call gives it the device's [locale].
     */
    fun start(context: Context, locale: String): StartScreen =
        start?.also { it.setLocale(locale) } ?: synchronized(this) {
            start ?: StartScreen(dir(context).path, deviceKeys(context), locale).also { start = it }
        }

    /** Keep the vault when the start model says the library may show; drop it when not. */
    fun opened(view: StartView) {
        synchronized(this) {
            vault = if (view.showLibrary) start?.vault() else null
        }
    }

    /** The unlocked vault. Only screens drawn after the start model said unlocked ask for it. */
    fun vault(): Vault = vault ?: throw IllegalStateException("the vault is locked")

    /** The vault if it is open and unlocked (quick). */
    fun current(): Vault? = vault

    /**
     * Appointment mode's model, for the process (its state must outlive the screens drawing it),
     * with the device key store: the core asks for the fingerprint or face prompt to leave when
     * the patient chose it, else the passphrase.
     */
    fun appointment(context: Context, locale: String): AppointmentMode =
        appointment?.also { it.setLocale(locale) } ?: synchronized(this) {
            appointment ?: AppointmentMode(vault ?: throw IllegalStateException("the vault is locked"), deviceKeys(context), locale)
                .also { appointment = it }
        }

    /**
     * Appointment mode's AskBiometrics: the device store's prompt for the vault's key, now; true
     * when the patient passed (the core then loads the key with that authorisation and checks it
     * against the vault's). A store without a prompt of its own leaves it to its load. Blocks.
     */
    fun askBeforeDeviceLoad(context: Context): Boolean {
        val id = vault?.id() ?: return false
        return (deviceKeys(context) as? PromptBeforeLoad)?.authorizeNextLoad(id) ?: true
    }

    /** The appointment model if one was made (quick). */
    fun currentAppointment(): AppointmentMode? = appointment

    /** The vault's folder (the core keeps the settings beside the vault there). */
    fun dir(context: Context): File =
        installedDir ?: File(context.applicationContext.noBackupFilesDir, "vault")

    /**
     * Tests: the start model to draw (over a vault the test made, in [dir] when the test's
     * screens need the folder, with [deviceKeys] as the device's key store); null to forget
     * everything.
     */
    fun install(s: StartScreen?, dir: File? = null, deviceKeys: KeyStore? = null) {
        synchronized(this) {
            installedDir = dir
            keys = deviceKeys
            start = s
            vault = null
            appointment = null
            if (s != null) opened(s.view())
        }
    }
}
