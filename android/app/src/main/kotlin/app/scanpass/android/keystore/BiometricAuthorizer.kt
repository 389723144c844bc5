// The fingerprint or face prompt that releases the Keystore key: androidx.biometric's
// BiometricPrompt, strong biometrics only, with the cipher the key store is about to use as its
// CryptoObject (MASVS AUTH-2: the biometric is bound to the key, not an event the app trusts).
//
// [BiometricAuthorizer] is the [WrappingKeySource.authorize] hook: called on the core's thread
// (the core loads or stores the vault key), it shows the prompt on the main thread over the
// Activity in front ([BiometricHost]) and waits for the patient. Passed: the authenticated cipher
// goes back to the key store. Cancelled, refused or no screen to ask on: the key store fails with
// the core's WrongSecret, and the core says so (the passphrase opens).
//
// What the device can do ([deviceBiometrics]) comes from BiometricManager and goes to the core's
// models, which decide what to offer.
package app.scanpass.android.keystore

import android.content.Context
import android.security.keystore.UserNotAuthenticatedException
import androidx.biometric.BiometricManager
import androidx.biometric.BiometricManager.Authenticators.BIOMETRIC_STRONG
import androidx.biometric.BiometricPrompt
import androidx.core.content.ContextCompat
import androidx.fragment.app.FragmentActivity
import app.scanpass.ffi.Biometrics
import java.lang.ref.WeakReference
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException
import javax.crypto.Cipher

/** What the prompt answered. */
sealed interface PromptOutcome {
    /** The patient passed: [cipher] is authorised for one use. */
    data class Passed(val cipher: Cipher) : PromptOutcome
    /** The patient chose the passphrase, or went away. */
    data object Cancelled : PromptOutcome
    /** Too many tries, no sensor, a key no longer valid...: the platform's code. */
    data class Failed(val code: Int) : PromptOutcome
}

/** The prompt's words (the core's: `commonWords(locale)`). */
data class PromptWords(val title: String, val cancel: String)

/** Shows the system's prompt over [activity] for [cipher], and reports once to [done]. */
fun interface PromptLauncher {
    fun show(activity: FragmentActivity, cipher: Cipher, words: PromptWords, done: (PromptOutcome) -> Unit)
}

/** The callback BiometricPrompt calls, mapped to a [PromptOutcome]; a finger that does not match keeps the prompt up. */
class PromptCallback(private val done: (PromptOutcome) -> Unit) : BiometricPrompt.AuthenticationCallback() {
    override fun onAuthenticationSucceeded(result: BiometricPrompt.AuthenticationResult) = succeeded(result.cryptoObject?.cipher)

    /** Passed with [cipher] (the CryptoObject's): without one nothing is authorised. */
    fun succeeded(cipher: Cipher?) = done(if (cipher != null) PromptOutcome.Passed(cipher) else PromptOutcome.Failed(NO_CIPHER))

    override fun onAuthenticationError(errorCode: Int, errString: CharSequence) = done(
        when (errorCode) {
            BiometricPrompt.ERROR_NEGATIVE_BUTTON, BiometricPrompt.ERROR_USER_CANCELED, BiometricPrompt.ERROR_CANCELED -> PromptOutcome.Cancelled
            else -> PromptOutcome.Failed(errorCode)
        },
    )

    companion object {
        /** Succeeded without the CryptoObject's cipher (never on a phone). */
        const val NO_CIPHER = -1
    }
}

/** The system's BiometricPrompt: strong biometrics, a cancel button, the cipher as its CryptoObject. */
object SystemPromptLauncher : PromptLauncher {
    override fun show(activity: FragmentActivity, cipher: Cipher, words: PromptWords, done: (PromptOutcome) -> Unit) {
        val info = BiometricPrompt.PromptInfo.Builder()
            .setTitle(words.title)
            .setNegativeButtonText(words.cancel)
            .setAllowedAuthenticators(BIOMETRIC_STRONG)
            .setConfirmationRequired(false)
            .build()
        BiometricPrompt(activity, ContextCompat.getMainExecutor(activity), PromptCallback(done))
            .authenticate(info, BiometricPrompt.CryptoObject(cipher))
    }
}

/** The Activity prompts show over (MainActivity sets itself while it is resumed). */
object BiometricHost {
    @Volatile private var current: WeakReference<FragmentActivity>? = null

    fun attach(activity: FragmentActivity) { current = WeakReference(activity) }
    fun detach(activity: FragmentActivity) { if (current?.get() === activity) current = null }
    fun activity(): FragmentActivity? = current?.get()?.takeUnless { it.isFinishing || it.isDestroyed }
}

/**
 * [WrappingKeySource.authorize] through the prompt. Blocks the calling thread (the core's, never
 * the main one) until the patient answers, or [timeoutMs].
 */
class BiometricAuthorizer(
    private val words: () -> PromptWords,
    private val host: () -> FragmentActivity? = BiometricHost::activity,
    private val launcher: () -> PromptLauncher = { SystemPromptLauncher },
    private val timeoutMs: Long = 120_000,
) : (Cipher) -> Cipher {
    override fun invoke(cipher: Cipher): Cipher {
        val activity = host() ?: throw UserNotAuthenticatedException("no screen to ask on")
        check(android.os.Looper.myLooper() != android.os.Looper.getMainLooper()) { "the prompt is awaited off the main thread" }
        val answer = CompletableFuture<PromptOutcome>()
        activity.runOnUiThread {
            try {
                launcher().show(activity, cipher, words()) { answer.complete(it) }
            } catch (e: RuntimeException) {
                answer.complete(PromptOutcome.Failed(PromptCallback.NO_CIPHER))
            }
        }
        val outcome = try {
            answer.get(timeoutMs, TimeUnit.MILLISECONDS)
        } catch (e: TimeoutException) {
            PromptOutcome.Cancelled
        }
        return when (outcome) {
            is PromptOutcome.Passed -> outcome.cipher
            // the key store maps this to the core's WrongSecret: "use your passphrase"
            else -> throw UserNotAuthenticatedException("the fingerprint or face prompt did not pass")
        }
    }
}

/** BiometricManager's answer for strong biometrics, as the core's [Biometrics]. */
fun biometricsOf(code: Int): Biometrics = when (code) {
    BiometricManager.BIOMETRIC_SUCCESS -> Biometrics.READY
    BiometricManager.BIOMETRIC_ERROR_NONE_ENROLLED -> Biometrics.NOT_ENROLLED
    else -> Biometrics.UNAVAILABLE
}

/** What this device can do for fingerprint or face unlock (strong biometrics), for the core's models. */
fun deviceBiometrics(context: Context): Biometrics =
    biometricsOf(BiometricManager.from(context).canAuthenticate(BIOMETRIC_STRONG))
