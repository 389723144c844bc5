// Fingerprint or face unlock around the Keystore, under Robolectric. What is real here: the
// KeyGenParameterSpec the app would give the Keystore (inspected, not generated: Robolectric has
// no AndroidKeyStore provider), the core's choice that decides it (settings.json, through the
// bindings), BiometricManager's answer through Robolectric's ShadowBiometricManager, androidx's
// BiometricPrompt put up over a FragmentActivity, and the callback's mapping. What stands in:
// the wrapping key (a SOFTWARE STAND-IN AES key) and the patient's finger (a launcher that
// answers through the real PromptCallback), since no JVM has a sensor.
package app.scanpass.android.keystore

import android.os.Looper
import android.security.keystore.KeyProperties
import androidx.biometric.BiometricManager
import androidx.biometric.BiometricPrompt
import androidx.fragment.app.FragmentActivity
import app.scanpass.android.MemoryKeyStore
import app.scanpass.android.PASSPHRASE
import app.scanpass.android.deviceHasBiometrics
import app.scanpass.ffi.Biometrics
import app.scanpass.ffi.KeyStoreException
import app.scanpass.ffi.SettingsEvent
import app.scanpass.ffi.SettingsScreen
import app.scanpass.ffi.StartEvent
import app.scanpass.ffi.StartScreen
import java.io.File
import java.nio.file.Files
import java.util.concurrent.atomic.AtomicInteger
import javax.crypto.Cipher
import kotlin.concurrent.thread
import org.junit.After
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertSame
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config

/** A SOFTWARE STAND-IN wrapping key that, like a key bound to biometrics, asks [authorizer] at each use. */
class BoundStandInKeySource(private val authorizer: (Cipher) -> Cipher) : WrappingKeySource by SoftwareStandInKeySource() {
    override fun authorize(cipher: Cipher): Cipher = authorizer(cipher)
}

/** The patient's finger: answers each prompt through the real [PromptCallback] (passing, or pressing cancel). */
class FingerLauncher(var pass: Boolean = true) : PromptLauncher {
    val shown = AtomicInteger()
    @Volatile var lastWords: PromptWords? = null
    override fun show(activity: FragmentActivity, cipher: Cipher, words: PromptWords, done: (PromptOutcome) -> Unit) {
        shown.incrementAndGet()
        lastWords = words
        val callback = PromptCallback(done)
        if (pass) callback.succeeded(cipher) else callback.onAuthenticationError(BiometricPrompt.ERROR_NEGATIVE_BUTTON, "Cancel")
    }
}

/** Runs [block] on another thread (the core's), letting the main looper run the prompt meanwhile. */
fun <T> offMain(block: () -> T): T {
    var result: Result<T>? = null
    val t = thread { result = runCatching(block) }
    while (t.isAlive) {
        shadowOf(Looper.getMainLooper()).idle()
        Thread.sleep(2)
    }
    return result!!.getOrThrow()
}

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35])
class BiometricKeyTest {
    private val dir: File = Files.createTempDirectory("scanpass-bio").toFile()
    @After fun cleanUp() { dir.deleteRecursively() }

    private fun key() = ByteArray(32) { (it * 5 + 1).toByte() }

    @Test
    fun theKeystoreKeyIsBoundToAStrongBiometricOnlyWhenChosen() {
        val bound = keystoreKeySpec("a", strongBox = false, KeystoreOptions(requireUserAuthentication = true))
        assertTrue(bound.isUserAuthenticationRequired)
        assertTrue("a new enrolment voids it", bound.isInvalidatedByBiometricEnrollment)
        assertEquals("strong biometrics only", KeyProperties.AUTH_BIOMETRIC_STRONG, bound.userAuthenticationType)
        assertEquals("every use asks (a CryptoObject), no time window", 0, bound.userAuthenticationValidityDurationSeconds)
        assertEquals(256, bound.keySize)
        assertTrue(bound.isRandomizedEncryptionRequired)
        val plain = keystoreKeySpec("b", strongBox = true, KeystoreOptions())
        assertFalse(plain.isUserAuthenticationRequired)
        assertTrue(plain.isStrongBoxBacked)
        // the two never share a Keystore alias
        assertNotEquals(
            AndroidKeystoreKeySource.aliasFor("x", KeystoreOptions(requireUserAuthentication = true)),
            AndroidKeystoreKeySource.aliasFor("x", KeystoreOptions()),
        )
    }

    @Test
    fun theOptionsFollowThePatientsChoiceKeptByTheCore() {
        val vaultDir = File(dir, "vault")
        val device = MemoryKeyStore()
        val start = StartScreen(vaultDir.path, device, "en-US")
        start.handle(StartEvent.Create(PASSPHRASE, PASSPHRASE))
        assertFalse(AndroidKeystoreKeyStore.optionsFor(vaultDir).requireUserAuthentication)
        SettingsScreen.withDeviceUnlock(vaultDir.path, "en-US", start.vault()!!, device).use { s ->
            s.handle(SettingsEvent.DeviceBiometrics(Biometrics.READY))
            s.handle(SettingsEvent.SetDeviceUnlock(true))
            assertTrue(AndroidKeystoreKeyStore.optionsFor(vaultDir).requireUserAuthentication)
            s.handle(SettingsEvent.SetDeviceUnlock(false))
            assertFalse(AndroidKeystoreKeyStore.optionsFor(vaultDir).requireUserAuthentication)
        }
        start.close()
    }

    @Test
    fun whatTheDeviceCanDoComesFromBiometricManager() {
        val context = org.robolectric.RuntimeEnvironment.getApplication()
        deviceHasBiometrics(false)
        assertEquals(Biometrics.UNAVAILABLE, deviceBiometrics(context))
        deviceHasBiometrics(true)
        assertEquals(Biometrics.READY, deviceBiometrics(context))
        assertEquals(Biometrics.NOT_ENROLLED, biometricsOf(BiometricManager.BIOMETRIC_ERROR_NONE_ENROLLED))
        assertEquals(Biometrics.UNAVAILABLE, biometricsOf(BiometricManager.BIOMETRIC_ERROR_NO_HARDWARE))
        assertEquals(Biometrics.UNAVAILABLE, biometricsOf(BiometricManager.BIOMETRIC_ERROR_HW_UNAVAILABLE))
    }

    @Test
    fun thePromptsCallbackMapsEachOutcome() {
        val seen = mutableListOf<PromptOutcome>()
        val cb = PromptCallback { seen += it }
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cb.succeeded(cipher)
        cb.succeeded(null)
        cb.onAuthenticationError(BiometricPrompt.ERROR_NEGATIVE_BUTTON, "Cancel")
        cb.onAuthenticationError(BiometricPrompt.ERROR_USER_CANCELED, "")
        cb.onAuthenticationError(BiometricPrompt.ERROR_LOCKOUT, "")
        cb.onAuthenticationFailed() // a finger that does not match: the prompt stays, nothing reported
        assertEquals(5, seen.size)
        assertSame(cipher, (seen[0] as PromptOutcome.Passed).cipher)
        assertEquals(PromptOutcome.Failed(PromptCallback.NO_CIPHER), seen[1])
        assertEquals(PromptOutcome.Cancelled, seen[2])
        assertEquals(PromptOutcome.Cancelled, seen[3])
        assertEquals(PromptOutcome.Failed(BiometricPrompt.ERROR_LOCKOUT), seen[4])
    }

    @Test
    fun theSystemPromptGoesUpOverAFragmentActivity() {
        deviceHasBiometrics(true)
        val activity = Robolectric.buildActivity(FragmentActivity::class.java).setup().get()
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        SystemPromptLauncher.show(activity, cipher, PromptWords("Confirm it's you", "Cancel")) {}
        shadowOf(Looper.getMainLooper()).idle()
        val tags = activity.supportFragmentManager.fragments.map { it.javaClass.name }
        assertTrue("BiometricPrompt's fragment is up: $tags", tags.any { it.startsWith("androidx.biometric.") })
    }

    @Test
    fun aBoundKeyOpensOnlyAfterThePromptPasses_standIn() {
        deviceHasBiometrics(true)
        val activity = Robolectric.buildActivity(FragmentActivity::class.java).setup().get()
        val finger = FingerLauncher(pass = true)
        var host: FragmentActivity? = activity
        val authorizer = BiometricAuthorizer({ PromptWords("Confirm it's you", "Cancel") }, { host }, { finger })
        val store = WrappedKeyFiles(dir, BoundStandInKeySource(authorizer))
        offMain { store.store("v", key()) }
        assertEquals("storing asked", 1, finger.shown.get())
        assertEquals(PromptWords("Confirm it's you", "Cancel"), finger.lastWords)
        assertArrayEquals(key(), offMain { store.load("v") })
        assertEquals(2, finger.shown.get())
        // cancelled: the core's WrongSecret, no key
        finger.pass = false
        try {
            offMain { store.load("v") }
            fail("a cancelled prompt gave the key")
        } catch (e: KeyStoreException.WrongSecret) {
            // the core then asks for the passphrase
        }
        // no screen to ask on: refused, never released without the patient
        finger.pass = true
        host = null
        try {
            offMain { store.load("v") }
            fail("released without a prompt")
        } catch (e: KeyStoreException.WrongSecret) {
        }
    }

    @Test
    fun askingAheadServesTheNextLoadOnce_standIn() {
        val activity = Robolectric.buildActivity(FragmentActivity::class.java).setup().get()
        val finger = FingerLauncher(pass = true)
        val store = WrappedKeyFiles(dir, BoundStandInKeySource(BiometricAuthorizer({ PromptWords("t", "c") }, { activity }, { finger })))
        offMain { store.store("v", key()) }
        finger.shown.set(0)
        assertTrue(offMain { store.authorizeNextLoad("v") })
        assertEquals(1, finger.shown.get())
        assertArrayEquals("the load uses the answer given", key(), offMain { store.load("v") })
        assertEquals("no second prompt", 1, finger.shown.get())
        // once only: the next load asks again
        assertArrayEquals(key(), offMain { store.load("v") })
        assertEquals(2, finger.shown.get())
        finger.pass = false
        assertFalse(offMain { store.authorizeNextLoad("v") })
        finger.pass = true
        val before = finger.shown.get()
        assertFalse("no key kept for that vault", offMain { store.authorizeNextLoad("other") })
        assertEquals("nothing to ask for", before, finger.shown.get())
    }
}
