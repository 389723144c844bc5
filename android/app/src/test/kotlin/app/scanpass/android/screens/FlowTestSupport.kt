// Shared by the tests of the import, share, receive, requests and settings screens: a real
// scanpass-relay on loopback (as tests/share/run starts it), a vault installed with its folder
// (the settings live beside it), and the label walk of the semantics tree.
package app.scanpass.android.screens

import app.scanpass.android.Samples
import app.scanpass.android.TestVault
import app.scanpass.android.core.Session
import app.scanpass.ffi.SettingsEvent
import app.scanpass.ffi.SettingsScreen
import java.io.File
import java.net.InetSocketAddress
import java.net.ServerSocket
import java.net.Socket
import java.nio.file.Files
import org.junit.rules.ExternalResource

/**
 * The relay, started once per test JVM: the release build's `scanpass-relay` beside the core's
 * library (jna.library.path), listening on a free loopback port, its data in a temporary folder.
 */
object TestRelay {
    private var process: Process? = null

    val url: String by lazy { start() }

    private fun start(): String {
        val bin = File(System.getProperty("jna.library.path") ?: "target/release", "scanpass-relay")
        check(bin.canExecute()) { "no relay at $bin (cargo build --release --workspace)" }
        val port = ServerSocket(0).use { it.localPort }
        val data = Files.createTempDirectory("scanpass-android-relay").toFile()
        val log = File(data.parentFile, "${data.name}.log")
        val p = ProcessBuilder(bin.path, "--listen", "127.0.0.1:$port", "--data", data.path)
            .redirectErrorStream(true).redirectOutput(log).start()
        process = p
        Runtime.getRuntime().addShutdownHook(Thread { p.destroy(); data.deleteRecursively(); log.delete() })
        val deadline = System.currentTimeMillis() + 20_000
        while (true) {
            val up = runCatching { Socket().use { it.connect(InetSocketAddress("127.0.0.1", port), 200) } }.isSuccess
            if (up) break
            check(p.isAlive) { "the relay stopped: " + log.readText() }
            check(System.currentTimeMillis() < deadline) { "the relay did not listen within 20 s" }
            Thread.sleep(50)
        }
        return "http://127.0.0.1:$port"
    }
}

/** The vault's folder as the app's settings see it. */
fun TestVault.vaultDir(): File = File(dir, "vault")

/** Sets the test relay in [tv]'s settings (through the core's settings screen). */
fun useTestRelay(tv: TestVault) {
    SettingsScreen(tv.vaultDir().path, "en-US").use { it.handle(SettingsEvent.SetRelay(TestRelay.url)) }
}

/** Puts [make]'s vault (and its folder) in the app's session before the Activity starts. */
class InstallTestVault(private val make: () -> TestVault) : ExternalResource() {
    override fun before() {
        Samples.require()
        val tv = make()
        Session.install(tv.start, tv.vaultDir())
    }

    override fun after() {
        Session.install(null)
    }
}

