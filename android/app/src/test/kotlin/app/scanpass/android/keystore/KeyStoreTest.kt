// The app's key store. Robolectric has no "AndroidKeyStore" JCA provider (the Keystore lives in a
// system service and secure hardware no JVM has), so the sealing logic ([WrappedKeyFiles]) is
// tested here with STAND-IN wrapping keys made by javax.crypto in software; the Keystore key
// generation itself (StrongBox, user-auth binding) runs only on a phone. One test checks that
// without the provider the store fails with the core's `Unavailable`, not a crash.
package app.scanpass.android.keystore

import org.robolectric.RuntimeEnvironment
import android.content.Context
import app.scanpass.ffi.KeyStoreException
import app.scanpass.ffi.Vault
import java.io.File
import java.nio.file.Files
import java.util.concurrent.atomic.AtomicInteger
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import org.junit.After
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config

/** STAND-IN for the Android Keystore's key: an AES-256 key made in software (tests only). */
class SoftwareStandInKeySource : WrappingKeySource {
    private var key: SecretKey? = null
    val authorized = AtomicInteger()
    override fun key(create: Boolean): SecretKey? {
        if (key == null && create) key = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey()
        return key
    }
    override fun delete() { key = null }
    override fun authorize(cipher: Cipher): Cipher { authorized.incrementAndGet(); return cipher }
}

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35])
class KeyStoreTest {
    private val dir: File = Files.createTempDirectory("scanpass-keys").toFile()
    @After fun cleanUp() { dir.deleteRecursively() }

    private fun key() = ByteArray(32) { (it * 7 + 3).toByte() }

    @Test
    fun sealsAndOpensTheVaultKey_standIn() {
        val source = SoftwareStandInKeySource()
        val store = WrappedKeyFiles(dir, source)
        assertNull(store.load("vault-a"))
        store.store("vault-a", key())
        assertArrayEquals(key(), store.load("vault-a"))
        // the file holds no plaintext key, and has the documented size
        val bytes = File(dir, "vault-a.key").readBytes()
        assertEquals(1 + 12 + 32 + 16, bytes.size)
        assertFalse(String(bytes, Charsets.ISO_8859_1).contains(String(key(), Charsets.ISO_8859_1)))
        // each use went through the authorisation hook (BiometricPrompt's CryptoObject on a phone)
        assertEquals(2, source.authorized.get())
        store.delete("vault-a")
        assertNull(store.load("vault-a"))
    }

    @Test
    fun aFreshNonceEveryTime_standIn() {
        val store = WrappedKeyFiles(dir, SoftwareStandInKeySource())
        store.store("v", key())
        val a = File(dir, "v.key").readBytes()
        store.store("v", key())
        val b = File(dir, "v.key").readBytes()
        assertNotEquals(a.copyOfRange(1, 13).toList(), b.copyOfRange(1, 13).toList())
    }

    @Test
    fun aSealedKeyOpensOnlyForItsVaultAndUntouched_standIn() {
        val store = WrappedKeyFiles(dir, SoftwareStandInKeySource())
        store.store("vault-a", key())
        // copied over another vault's file: the associated data (the vault id) refuses it
        File(dir, "vault-a.key").copyTo(File(dir, "vault-b.key"))
        expectUnavailable { store.load("vault-b") }
        // one flipped bit: refused
        val f = File(dir, "vault-a.key")
        val bytes = f.readBytes()
        bytes[20] = (bytes[20].toInt() xor 1).toByte()
        f.writeBytes(bytes)
        expectUnavailable { store.load("vault-a") }
    }

    @Test
    fun refusesWrongSizesAndALostWrappingKey_standIn() {
        val source = SoftwareStandInKeySource()
        val store = WrappedKeyFiles(dir, source)
        expectUnavailable { store.store("v", ByteArray(16)) }
        store.store("v", key())
        source.delete()
        expectUnavailable { store.load("v") }
    }

    @Test
    fun theCoreCreatesAndUnlocksAVaultThroughIt_standIn() {
        val source = SoftwareStandInKeySource()
        val vaultDir = File(dir, "vault").path
        Vault.create(vaultDir, WrappedKeyFiles(File(dir, "keys"), source)).use { assertTrue(it.isUnlocked()) }
        // a new process: a new store over the same files and wrapping key
        Vault.open(vaultDir).use { v ->
            assertFalse(v.isUnlocked())
            v.unlock(WrappedKeyFiles(File(dir, "keys"), source))
            assertTrue(v.isUnlocked())
        }
        // another wrapping key cannot open the sealed vault key
        Vault.open(vaultDir).use { v ->
            try {
                v.unlock(WrappedKeyFiles(File(dir, "keys"), SoftwareStandInKeySource().also { it.key(true) }))
                fail("unlocked with another wrapping key")
            } catch (e: Exception) {
                assertFalse(v.isUnlocked())
            }
        }
    }

    @Test
    fun withoutTheAndroidKeystoreProviderItFailsAsUnavailable() {
        // true on this JVM under Robolectric; on a phone the provider is there and this test's
        // premise does not hold
        assertFalse("the AndroidKeyStore provider exists here", AndroidKeystoreKeyStore.available())
        val context: Context = RuntimeEnvironment.getApplication()
        val store = WrappedKeyFiles(dir, AndroidKeystoreKeySource(context))
        expectUnavailable { store.store("v", key()) }
    }

    private fun expectUnavailable(block: () -> Unit) {
        try {
            block()
            fail("expected KeyStoreException.Unavailable")
        } catch (e: KeyStoreException.Unavailable) {
            // expected
        }
    }
}
