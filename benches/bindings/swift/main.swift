// The Swift side of benches/bindings/run: the same loop as core/examples/viewer_render.rs,
// through the generated bindings (pixels arrive as Data).
import Foundation
// compiled in one module with the generated Scanpass.swift (see benches/bindings/run)

let env = ProcessInfo.processInfo.environment
let dir = env["BENCH_VAULT"]!
let rounds = Int(env["BENCH_ROUNDS"] ?? "20")!
let vault = try Vault.open(dir: dir)
try vault.unlock(keys: passphraseKeyStore(vaultDir: dir, passphrase: env["BENCH_PASSPHRASE"]!))
let viewer = try vault.openViewer(seriesId: env["BENCH_SERIES"]!)
let n = Int(viewer.sliceCount())
let window = Window.default
let warm = Int(env["BENCH_WARM"] ?? "10")!
for _ in 0...warm { for i in 0..<n { _ = try viewer.render(n: UInt32(i), window: window).rgba } }
var perRender: [Double] = []
var checksum = 0
for _ in 0..<rounds {
    let t = DispatchTime.now().uptimeNanoseconds
    for i in 0..<n {
        let rgba = try viewer.render(n: UInt32(i), window: window).rgba
        checksum += Int(rgba[rgba.count / 2])
    }
    perRender.append(Double(DispatchTime.now().uptimeNanoseconds - t) / 1e3 / Double(n))
}
perRender.sort()
print(String(format: "{\"lang\": \"swift\", \"us_per_render\": %.2f, \"slices\": %d, \"rounds\": %d, \"checksum\": %d}",
             perRender[rounds / 2], n, rounds, checksum))
