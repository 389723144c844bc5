// The vault key's home on Android: the core's `KeyStore` callback interface over the Android
// Keystore. The 32-byte vault key the core hands over is sealed with AES-256-GCM under a key that
// never leaves the Keystore (StrongBox when the phone has one; optionally bound to the user's
// biometrics), and only the sealed bytes are written, under noBackupFilesDir (MASVS STORAGE-1,
// CRYPTO-1/2, AUTH-2).
//
// Whether the key is bound to biometrics is the patient's choice, which the core keeps
// (`deviceUnlockChosen`, read at each use): the core puts the vault key here only once the patient
// turned fingerprint or face unlock on, and deletes it when turned off. Bound, the Keystore key
// needs a strong biometric for every use, given through BiometricPrompt with the cipher as its
// CryptoObject ([WrappingKeySource.authorize], [BiometricAuthorizer]).
//
// The sealing ([WrappedKeyFiles]) is plain javax.crypto and takes its wrapping key from a
// [WrappingKeySource]: [AndroidKeystoreKeySource] on a phone. Under Robolectric the
// "AndroidKeyStore" JCA provider does not exist, so the tests run the same sealing code with a
// software AES key standing in for the Keystore's (named so in the tests).
package app.scanpass.android.keystore

import android.content.Context
import android.content.pm.PackageManager
import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import android.security.keystore.StrongBoxUnavailableException
import android.security.keystore.UserNotAuthenticatedException
import app.scanpass.ffi.KeyStore
import app.scanpass.ffi.KeyStoreException
import java.io.File
import java.io.IOException
import java.security.ProviderException
import java.security.KeyStore as JcaKeyStore
import java.util.Arrays
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/** Where the key that seals the vault key comes from. */
interface WrappingKeySource {
    /** The wrapping key, made on first use when [create]; null when absent and not [create]. */
    fun key(create: Boolean): SecretKey?

    /** Forget the wrapping key (after which sealed vault keys cannot be opened). */
    fun delete()

    /**
     * Give the patient's authentication to [cipher] when the key needs it (a BiometricPrompt with
     * the cipher as its CryptoObject), returning the cipher to use. The default needs none.
     * Called on the core's thread; it may block while the prompt is up.
     */
    fun authorize(cipher: Cipher): Cipher = cipher
}

/**
 * A key store that can ask the patient (its prompt) before the core's next load: the answer maps
 * to the core's BiometricsDone / BiometricsFailed, and the authorisation given serves that load.
 */
interface PromptBeforeLoad {
    /** Show the prompt for [vaultId]'s key now; true when the patient passed. Blocks. */
    fun authorizeNextLoad(vaultId: String): Boolean
}

/** Options for the Keystore key. */
data class KeystoreOptions(
    /** Bind the key to a strong biometric for every use (the patient turned on biometric unlock). */
    val requireUserAuthentication: Boolean = false,
    /** Let the device's PIN, pattern or password stand in for the biometric (API 30+). */
    val allowDeviceCredential: Boolean = false,
)

/**
 * The Keystore key's description: AES-256-GCM, encrypt and decrypt, a fresh random nonce each
 * time, StrongBox when asked; with [KeystoreOptions.requireUserAuthentication] bound to a strong
 * biometric for every use and invalidated by a new enrolment. Pure: the tests inspect it (the
 * key itself can be generated only by a phone's Keystore).
 */
fun keystoreKeySpec(alias: String, strongBox: Boolean, options: KeystoreOptions): KeyGenParameterSpec =
    KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
        .setKeySize(256)
        .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
        .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
        .setRandomizedEncryptionRequired(true)
        .apply {
            if (Build.VERSION.SDK_INT >= 28) setIsStrongBoxBacked(strongBox)
            if (options.requireUserAuthentication) {
                setUserAuthenticationRequired(true)
                // a new fingerprint or face invalidates the key: the patient re-enters the
                // vault with the passphrase (recovery) and turns biometrics on again
                setInvalidatedByBiometricEnrollment(true)
                if (Build.VERSION.SDK_INT >= 30) {
                    val kinds = KeyProperties.AUTH_BIOMETRIC_STRONG or
                        (if (options.allowDeviceCredential) KeyProperties.AUTH_DEVICE_CREDENTIAL else 0)
                    // 0: every use needs its own authentication, through a CryptoObject
                    setUserAuthenticationParameters(0, kinds)
                }
            }
        }
        .build()

/**
 * The Android Keystore's AES-256-GCM key under [alias]: StrongBox-backed when the phone has
 * StrongBox (falls back to the TEE when StrongBox refuses), non-exportable, optionally bound to
 * user authentication. With user authentication on, [authorize] must be given a way to show
 * BiometricPrompt (the start/lock screen supplies it; the core's model says when to ask).
 */
class AndroidKeystoreKeySource(
    private val context: Context,
    private val baseAlias: String = DEFAULT_ALIAS,
    /** Read at each use: the core's choice can change while the app runs. */
    private val options: () -> KeystoreOptions = { KeystoreOptions() },
    private val authorizer: ((Cipher) -> Cipher)? = null,
) : WrappingKeySource {
    private fun keystore(): JcaKeyStore = JcaKeyStore.getInstance(PROVIDER).apply { load(null) }

    // a key bound to biometrics and one that is not never share an alias
    private val alias: String get() = aliasFor(baseAlias, options())

    override fun key(create: Boolean): SecretKey? {
        val name = alias
        val ks = keystore()
        (ks.getKey(name, null) as? SecretKey)?.let { return it }
        if (!create) return null
        val strongBox = Build.VERSION.SDK_INT >= 28 &&
            context.packageManager.hasSystemFeature(PackageManager.FEATURE_STRONGBOX_KEYSTORE)
        return try {
            generate(strongBox)
        } catch (e: ProviderException) {
            // StrongBoxUnavailableException (API 28+): the phone said it had StrongBox but it
            // refused this key; the TEE-backed Keystore is next best
            if (strongBox && Build.VERSION.SDK_INT >= 28 && e is StrongBoxUnavailableException) generate(false) else throw e
        }
    }

    private fun generate(strongBox: Boolean): SecretKey {
        val spec = keystoreKeySpec(alias, strongBox, options())
        return KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, PROVIDER).run {
            init(spec)
            generateKey()
        }
    }

    override fun delete() {
        val ks = keystore()
        if (ks.containsAlias(alias)) ks.deleteEntry(alias)
    }

    // only a key bound to biometrics asks the patient
    override fun authorize(cipher: Cipher): Cipher =
        if (options().requireUserAuthentication) authorizer?.invoke(cipher) ?: cipher else cipher

    companion object {
        const val PROVIDER = "AndroidKeyStore"
        const val DEFAULT_ALIAS = "scanpass.vault-key-wrap.v1"

        /** The Keystore alias for [options]: its own for a key bound to biometrics. */
        fun aliasFor(base: String, options: KeystoreOptions): String =
            if (options.requireUserAuthentication) "$base.biometric" else base
    }
}

/**
 * Vault keys sealed with AES-256-GCM under a [WrappingKeySource]'s key, one file per vault in
 * [dir]: `version (1) | nonce (12) | ciphertext + tag (48)`. The associated data binds each file
 * to its vault id and format, so a file copied over another vault's does not open. A fresh random
 * nonce per seal (the Keystore picks it: randomized encryption is required). Plain javax.crypto:
 * the same code runs on a phone and in the JVM tests.
 */
class WrappedKeyFiles(private val dir: File, private val source: WrappingKeySource) : KeyStore, PromptBeforeLoad {
    // the patient's authorisation asked ahead of the core's next load (appointment mode's
    // AskBiometrics), kept for that one load only
    @Volatile private var ahead: Pair<String, Cipher>? = null

    private fun file(vaultId: String): File {
        // the vault id is random (not patient data); keep file names to a safe alphabet anyway
        require(vaultId.isNotEmpty() && vaultId.all { it.isLetterOrDigit() || it == '-' || it == '_' }) { "unexpected vault id" }
        return File(dir, "$vaultId.key")
    }

    private fun aad(vaultId: String) = "scanpass vault key v$VERSION $vaultId".toByteArray(Charsets.UTF_8)

    /** The sealed bytes of [vaultId] and a cipher ready to open them (not yet authorised); null when none is kept. */
    private fun opening(vaultId: String): Pair<ByteArray, Cipher>? {
        val f = file(vaultId)
        if (!f.exists()) return null
        val sealed = f.readBytes()
        if (sealed.size != 1 + NONCE + KEY + TAG || sealed[0] != VERSION) {
            throw KeyStoreException.Unavailable("the sealed vault key has an unknown format")
        }
        val key = source.key(create = false)
            ?: throw KeyStoreException.Unavailable("the key store lost its wrapping key")
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(TAG * 8, sealed, 1, NONCE))
        return sealed to cipher
    }

    override fun load(vaultId: String): ByteArray? = guard {
        val asked = ahead?.takeIf { it.first == vaultId }?.second
        ahead = null
        val (sealed, fresh) = opening(vaultId) ?: return@guard null
        val cipher = asked ?: source.authorize(fresh)
        cipher.updateAAD(aad(vaultId))
        cipher.doFinal(sealed, 1 + NONCE, KEY + TAG)
    }

    override fun authorizeNextLoad(vaultId: String): Boolean = try {
        ahead = null
        opening(vaultId)?.let { (_, cipher) -> ahead = vaultId to source.authorize(cipher) } != null
    } catch (e: Exception) {
        // cancelled, refused, no key kept: the core asks for the passphrase
        false
    }

    override fun store(vaultId: String, key: ByteArray) = guard {
        if (key.size != KEY) throw KeyStoreException.Unavailable("a vault key has $KEY bytes")
        var cipher = Cipher.getInstance(TRANSFORMATION)
        try {
            cipher.init(Cipher.ENCRYPT_MODE, source.key(create = true)!!)
        } catch (e: KeyPermanentlyInvalidatedException) {
            // a fingerprint or face added since the key was made voided it: storing anew (the
            // patient turning biometrics on again) makes a new one
            source.delete()
            cipher.init(Cipher.ENCRYPT_MODE, source.key(create = true)!!)
        }
        cipher = source.authorize(cipher)
        cipher.updateAAD(aad(vaultId))
        val sealed = cipher.doFinal(key)
        val nonce = cipher.iv
        check(nonce.size == NONCE && sealed.size == KEY + TAG)
        val out = byteArrayOf(VERSION) + nonce + sealed
        dir.mkdirs()
        // write beside, then rename: a crash never leaves half a key
        val tmp = File(dir, ".${file(vaultId).name}.new")
        tmp.writeBytes(out)
        if (!tmp.renameTo(file(vaultId))) throw IOException("could not move the sealed key into place")
        Arrays.fill(key, 0)
    }

    override fun delete(vaultId: String) = guard {
        val f = file(vaultId)
        if (f.exists() && !f.delete()) throw IOException("could not delete the sealed key")
    }

    /** Map platform failures onto the core's two key-store errors (no key bytes in messages). */
    private inline fun <T> guard(block: () -> T): T = try {
        block()
    } catch (e: KeyStoreException) {
        throw e
    } catch (e: Exception) {
        throw when {
            // the biometric or device credential did not authorise the key, or a new enrolment
            // invalidated it: the patient must unlock another way
            e is UserNotAuthenticatedException || e is KeyPermanentlyInvalidatedException ->
                KeyStoreException.WrongSecret()
            e is AEADBadTagException -> KeyStoreException.Unavailable("the sealed vault key does not open")
            else -> KeyStoreException.Unavailable("${e.javaClass.simpleName}: ${e.message ?: "key store failure"}")
        }
    }

    companion object {
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val VERSION: Byte = 1
        const val NONCE = 12
        const val TAG = 16
        const val KEY = 32
    }
}

/** The app's key store: vault keys sealed under the Android Keystore, files in noBackupFilesDir. */
object AndroidKeystoreKeyStore {
    fun create(context: Context, options: () -> KeystoreOptions = { KeystoreOptions() }, authorizer: ((Cipher) -> Cipher)? = null): KeyStore =
        WrappedKeyFiles(
            File(context.noBackupFilesDir, "keys"),
            AndroidKeystoreKeySource(context, options = options, authorizer = authorizer),
        )

    /** The options the core's choice gives for the vault in [vaultDir]: bound to a strong biometric when chosen. */
    fun optionsFor(vaultDir: File): KeystoreOptions =
        KeystoreOptions(requireUserAuthentication = app.scanpass.ffi.deviceUnlockChosen(vaultDir.path))

    /** Whether the platform's Keystore provider is there (false under Robolectric and on the JVM). */
    fun available(): Boolean = java.security.Security.getProvider(AndroidKeystoreKeySource.PROVIDER) != null
}
