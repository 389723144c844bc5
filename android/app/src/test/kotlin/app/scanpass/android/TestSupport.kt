// Shared by the Robolectric tests: vaults of real DICOM made with the real core (through JNA,
// the host build), screenshots written where tests/android/run collects them.
package app.scanpass.android

import android.graphics.Bitmap
import app.scanpass.ffi.Biometrics
import app.scanpass.ffi.CancelHandle
import app.scanpass.ffi.SettingsEvent
import app.scanpass.ffi.SettingsScreen
import app.scanpass.ffi.ImportSource
import app.scanpass.ffi.KeyStore
import app.scanpass.ffi.StartEvent
import app.scanpass.ffi.StartScreen
import app.scanpass.ffi.Vault
import java.io.File
import java.nio.file.Files
import java.util.concurrent.ConcurrentHashMap
import org.junit.Assume.assumeTrue

object Samples {
    val dir: File = File(System.getProperty("scanpass.samples") ?: "../shared/dicom-samples")

    /** Skips the calling test, loudly, where the sample folder is absent. */
    fun require() {
        if (!dir.isDirectory) System.err.println("SKIPPED: no sample folder at $dir (../shared/dicom-samples)")
        assumeTrue("no sample folder at $dir", dir.isDirectory)
    }

    fun source(path: String): ImportSource = ImportSource.Path(File(dir, path).path)
}

/** A key store kept in memory: for tests of the screens (the Keystore one has tests of its own). */
class MemoryKeyStore : KeyStore {
    private val keys = ConcurrentHashMap<String, ByteArray>()
    override fun load(vaultId: String): ByteArray? = keys[vaultId]?.copyOf()
    override fun store(vaultId: String, key: ByteArray) { keys[vaultId] = key.copyOf() }
    override fun delete(vaultId: String) { keys.remove(vaultId) }
}

/** The passphrase of every test vault (strong enough for the core's rule). */
const val PASSPHRASE = "copper lantern orbit meadow"

/**
 * A vault in a temporary folder holding [paths] (under the sample folder), imported by the core.
 * Made as the app makes it: through the core's start model (the key kept by [PASSPHRASE]; by a
 * device key store too, here in memory, once [chooseDeviceUnlock]), so [start] is the model the
 * app's Session holds.
 */
class TestVault(vararg paths: String) : AutoCloseable {
    val dir: File = Files.createTempDirectory("scanpass-android-test").toFile()
    val path: String = File(dir, "vault").path
    val keys = MemoryKeyStore()
    var start: StartScreen = StartScreen(path, keys, "en-US").also { it.handle(StartEvent.Create(PASSPHRASE, PASSPHRASE)) }
        private set
    var vault: Vault = start.vault()!!
        private set

    init {
        if (paths.isNotEmpty()) {
            val summary = CancelHandle().use { c -> vault.importFrom(paths.map { Samples.source(it) }, null, c) }
            check(vault.studies().isNotEmpty()) { "the import stored no study: $summary" }
        }
    }

    /**
     * The patient turns fingerprint or face unlock on (through the core's settings model, the
     * device said able): the vault key goes to [keys] too, and the lock screen offers the device's
     * button once the app reports the device able (a test sets ShadowBiometricManager so).
     */
    fun chooseDeviceUnlock(): TestVault = apply {
        SettingsScreen.withDeviceUnlock(path, "en-US", vault, keys).use { s ->
            s.handle(SettingsEvent.DeviceBiometrics(Biometrics.READY))
            check(s.handle(SettingsEvent.SetDeviceUnlock(true)).deviceUnlock?.on == true)
        }
    }

    /** Another start model over the same vault folder, locked (a fresh count of wrong tries). */
    fun lockedStart(): StartScreen = StartScreen(path, keys, "en-US")

    /** What the system killing the process does to the core: its objects are gone; the vault is locked. */
    fun reopen(): StartScreen {
        vault.close()
        start.close()
        start = StartScreen(path, keys, "en-US")
        vault = start.vault()!!
        return start
    }

    override fun close() {
        vault.close()
        start.close()
        dir.deleteRecursively()
    }
}

/** A start model over an empty folder: the creation form. */
fun emptyStart(): Pair<StartScreen, File> {
    val dir = Files.createTempDirectory("scanpass-android-start").toFile()
    return StartScreen(File(dir, "vault").path, MemoryKeyStore(), "en-US") to dir
}

object Shots {
    val dir: File = File(System.getProperty("scanpass.out") ?: "build/android-test").also { it.mkdirs() }

    fun save(bmp: Bitmap, name: String): File {
        val f = File(dir, "$name.png")
        f.outputStream().use { bmp.compress(Bitmap.CompressFormat.PNG, 100, it) }
        println("screenshot: ${f.name} ${bmp.width}x${bmp.height}")
        return f
    }

    /** Fails on a blank capture (every pixel the same colour): it would prove nothing. */
    fun assertNotBlank(bmp: Bitmap, name: String) {
        val first = bmp.getPixel(0, 0)
        var differ = 0
        val stepX = maxOf(1, bmp.width / 64)
        val stepY = maxOf(1, bmp.height / 64)
        for (y in 0 until bmp.height step stepY) for (x in 0 until bmp.width step stepX) if (bmp.getPixel(x, y) != first) differ++
        check(differ > 20) { "$name is blank" }
    }
}

/** The device says a strong fingerprint or face is enrolled (Robolectric's BiometricManager shadow). */
fun deviceHasBiometrics(on: Boolean = true) {
    val context = org.robolectric.RuntimeEnvironment.getApplication()
    val manager = context.getSystemService(android.hardware.biometrics.BiometricManager::class.java)
    org.robolectric.shadow.api.Shadow.extract<org.robolectric.shadows.ShadowBiometricManager>(manager).setCanAuthenticate(on)
}
