// The core's objects that live as long as the process: the start/lock screen's model (which owns
// the one vault: created, opened, locked and unlocked by it) and appointment mode's. Plumbing,
// not rules: whether the vault may be shown is the StartView's `showLibrary`, and the other
// screens get the vault only after the start model said so ([opened]).
package app.scanpass.android.core

import android.content.Context
import app.scanpass.android.keystore.AndroidKeystoreKeyStore
import app.scanpass.ffi.AppointmentMode
import app.scanpass.ffi.StartScreen
import app.scanpass.ffi.StartView
import app.scanpass.ffi.Vault
import java.io.File

object Session {
    @Volatile private var start: StartScreen? = null
    @Volatile private var vault: Vault? = null
    @Volatile private var appointment: AppointmentMode? = null
    @Volatile private var installedDir: File? = null

    /**
     * The start screen's model over the app's vault folder (under noBackupFilesDir, out of
     * backups), with the Android Keystore as the device's key store. Made on first use. Blocks
     * (opens the vault's index): call from [core]. The model outlives the Activity (a language
     * change recreates the Activity, not the process): each call gives it the device's [locale].
     */
    fun start(context: Context, locale: String): StartScreen =
        start?.also { it.setLocale(locale) } ?: synchronized(this) {
            start ?: StartScreen(
                dir(context).path,
                AndroidKeystoreKeyStore.create(context.applicationContext),
                locale,
            ).also { start = it }
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
     * Appointment mode's model, for the process (its state must outlive the screens drawing it).
     * No device key store is given: the app has no BiometricPrompt yet, so leaving asks for the
     * passphrase (the core's rule when there is no device store), never a device key unlocked
     * without the patient.
     */
    fun appointment(locale: String): AppointmentMode =
        appointment?.also { it.setLocale(locale) } ?: synchronized(this) {
            appointment ?: AppointmentMode(vault ?: throw IllegalStateException("the vault is locked"), null, locale)
                .also { appointment = it }
        }

    /** The appointment model if one was made (quick). */
    fun currentAppointment(): AppointmentMode? = appointment

    /** The vault's folder (the core keeps the settings beside the vault there). */
    fun dir(context: Context): File =
        installedDir ?: File(context.applicationContext.noBackupFilesDir, "vault")

    /**
     * Tests: the start model to draw (over a vault the test made, in [dir] when the test's
     * screens need the folder); null to forget everything.
     */
    fun install(s: StartScreen?, dir: File? = null) {
        synchronized(this) {
            installedDir = dir
            start = s
            vault = null
            appointment = null
            if (s != null) opened(s.view())
        }
    }
}
