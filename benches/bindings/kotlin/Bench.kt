// The Kotlin side of benches/bindings/run: the same loop as core/examples/viewer_render.rs,
// through the generated JVM bindings (pixels arrive as a ByteArray).
import app.scanpass.ffi.*

fun main() {
    val dir = System.getenv("BENCH_VAULT")
    val rounds = (System.getenv("BENCH_ROUNDS") ?: "20").toInt()
    val vault = Vault.open(dir)
    vault.unlock(passphraseKeyStore(dir, System.getenv("BENCH_PASSPHRASE")))
    val viewer = vault.openViewer(System.getenv("BENCH_SERIES"))
    val n = viewer.sliceCount().toInt()
    val window = Window.Default
    val warm = (System.getenv("BENCH_WARM") ?: "10").toInt()
    repeat(1 + warm) { for (i in 0 until n) viewer.render(i.toUInt(), window).rgba }
    val perRender = DoubleArray(rounds)
    var checksum = 0L
    for (r in 0 until rounds) {
        val t = System.nanoTime()
        for (i in 0 until n) {
            val rgba = viewer.render(i.toUInt(), window).rgba
            checksum += (rgba[rgba.size / 2].toInt() and 0xff)
        }
        perRender[r] = (System.nanoTime() - t) / 1e3 / n
    }
    perRender.sort()
    println("{\"lang\": \"kotlin\", \"us_per_render\": ${"%.2f".format(perRender[rounds / 2])}, \"slices\": $n, \"rounds\": $rounds, \"checksum\": $checksum}")
}
