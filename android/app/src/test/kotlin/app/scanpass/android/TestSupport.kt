// Shared by the Robolectric tests: vaults of real DICOM made with the real core (through JNA,
// the host build), screenshots written where tests/android/run collects them.
package app.scanpass.android

import android.graphics.Bitmap
import app.scanpass.ffi.CancelHandle
import app.scanpass.ffi.ImportSource
import app.scanpass.ffi.KeyStore
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

/** A vault in a temporary folder holding [paths] (under the sample folder), imported by the core. */
class TestVault(vararg paths: String) : AutoCloseable {
    val dir: File = Files.createTempDirectory("scanpass-android-test").toFile()
    val keys = MemoryKeyStore()
    var vault: Vault = Vault.create(File(dir, "vault").path, keys)
        private set

    init {
        if (paths.isNotEmpty()) {
            val summary = CancelHandle().use { c -> vault.importFrom(paths.map { Samples.source(it) }, null, c) }
            check(vault.studies().isNotEmpty()) { "the import stored no study: $summary" }
        }
    }

    /** What the system killing the process does to the core: the vault object is gone. */
    fun reopen(): Vault {
        vault.close()
        vault = Vault.open(File(dir, "vault").path).also { it.unlock(keys) }
        return vault
    }

    override fun close() {
        vault.close()
        dir.deleteRecursively()
    }
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
