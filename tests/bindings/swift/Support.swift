// What the scenario needs around the generated bindings: key stores, an import listener and a
// share listener written in Swift (what the iOS app does over the Keychain), SHA-256, and typed-error helpers.

import Foundation
import Scanpass
import XCTest

// MARK: - Key stores

/// An in-memory key store: what the app's Keychain store does, kept in a dictionary. The
/// generated protocol is `Sendable` and the core calls it from its own threads, so the state is
/// guarded by a lock (hence `@unchecked Sendable`: the compiler cannot see the lock).
final class MemoryKeyStore: KeyStore, @unchecked Sendable {
    private let lock = NSLock()
    private var _keys: [String: Data] = [:]
    private var _calls: [String] = []

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    var keys: [String: Data] { locked { _keys } }
    var calls: [String] { locked { _calls } }

    func load(vaultId: String) throws -> Data? {
        locked {
            _calls.append("load")
            return _keys[vaultId]
        }
    }

    func store(vaultId: String, key: Data) throws {
        locked {
            _calls.append("store")
            _keys[vaultId] = key
        }
    }

    func delete(vaultId: String) throws {
        locked {
            _calls.append("delete")
            _keys[vaultId] = nil
        }
    }
}

/// Hands back 32 bytes that are not the vault's key.
final class OtherKeyStore: KeyStore {
    func load(vaultId: String) throws -> Data? { Data((0..<32).map { UInt8($0) }) }
    func store(vaultId: String, key: Data) throws {}
    func delete(vaultId: String) throws {}
}

/// A store whose user gave the wrong passphrase / biometric.
final class RefusingKeyStore: KeyStore {
    func load(vaultId: String) throws -> Data? { throw KeyStoreError.WrongSecret }
    func store(vaultId: String, key: Data) throws { throw KeyStoreError.Unavailable(reason: "read-only") }
    func delete(vaultId: String) throws {}
}

// MARK: - Import listener

/// Records every event, on whatever thread the core calls from; optionally cancels the import once
/// `cancelAfter` files are done.
/// A listener that fails on every event, as a UI listener touching a view off its thread.
final class ThrowingListener: ImportListener, @unchecked Sendable {
    private let lock = NSLock()
    private var _calls = 0
    var calls: Int {
        lock.lock()
        defer { lock.unlock() }
        return _calls
    }

    func onEvent(event: ImportEvent) throws {
        lock.lock()
        _calls += 1
        lock.unlock()
        throw ListenerError.Failed(reason: "listener broke")
    }
}

final class Recorder: ImportListener, @unchecked Sendable {
    private let lock = NSLock()
    private var _events: [ImportEvent] = []
    private let cancel: CancelHandle?
    private let cancelAfter: UInt64

    init(cancel: CancelHandle? = nil, after cancelAfter: UInt64 = 0) {
        self.cancel = cancel
        self.cancelAfter = cancelAfter
    }

    var events: [ImportEvent] {
        lock.lock()
        defer { lock.unlock() }
        return _events
    }

    func onEvent(event: ImportEvent) {
        lock.lock()
        _events.append(event)
        lock.unlock()
        if let cancel, case let .processed(done, _, _) = event, done >= cancelAfter {
            cancel.cancel()
        }
    }

    /// The `done` counts of the `processed` events, in order.
    var processed: [UInt64] {
        events.compactMap { if case let .processed(done, _, _) = $0 { return done } else { return nil } }
    }
}

// MARK: - Share listener

/// Records every share progress report (done, files, bytesSent), on the sharing thread.
final class ShareProgress: ShareListener, @unchecked Sendable {
    private let lock = NSLock()
    private var _calls: [(done: UInt64, files: UInt64, bytesSent: UInt64)] = []

    var calls: [(done: UInt64, files: UInt64, bytesSent: UInt64)] {
        lock.lock()
        defer { lock.unlock() }
        return _calls
    }

    func onProgress(done: UInt64, files: UInt64, bytesSent: UInt64) throws {
        lock.lock()
        _calls.append((done, files, bytesSent))
        lock.unlock()
    }
}

// MARK: - SHA-256 (FIPS 180-4; Foundation on Linux has no CryptoKit)

private let sha256K: [UInt32] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]

/// The lowercase hex SHA-256 of `data`.
func sha256Hex(_ data: Data) -> String {
    var h: [UInt32] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ]
    var msg = [UInt8](data)
    let bitLength = UInt64(msg.count) &* 8
    msg.append(0x80)
    while msg.count % 64 != 56 { msg.append(0) }
    for i in (0..<8).reversed() { msg.append(UInt8(truncatingIfNeeded: bitLength >> (UInt64(i) * 8))) }

    @inline(__always) func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
    var w = [UInt32](repeating: 0, count: 64)
    for chunk in stride(from: 0, to: msg.count, by: 64) {
        for t in 0..<16 {
            let j = chunk + t * 4
            w[t] = UInt32(msg[j]) << 24 | UInt32(msg[j + 1]) << 16 | UInt32(msg[j + 2]) << 8 | UInt32(msg[j + 3])
        }
        for t in 16..<64 {
            let s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
            let s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
            w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
        }
        var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
        for t in 0..<64 {
            let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
            let ch = (e & f) ^ (~e & g)
            let t1 = hh &+ s1 &+ ch &+ sha256K[t] &+ w[t]
            let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
            let maj = (a & b) ^ (a & c) ^ (b & c)
            let t2 = s0 &+ maj
            (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
        }
        h[0] = h[0] &+ a; h[1] = h[1] &+ b; h[2] = h[2] &+ c; h[3] = h[3] &+ d
        h[4] = h[4] &+ e; h[5] = h[5] &+ f; h[6] = h[6] &+ g; h[7] = h[7] &+ hh
    }
    return h.map { word in
        let s = String(word, radix: 16)
        return String(repeating: "0", count: 8 - s.count) + s
    }.joined()
}

/// The SHA-256 of a rendered slice's RGBA.
func sha(_ slice: RenderedSlice) throws -> String {
    sha256Hex(slice.rgba)
}

// MARK: - Typed errors

extension ScanpassError {
    /// The case name (what an app switches on) and its message: every case carries
    /// `message: String`. Read by reflection so that a case added to the API does not break the
    /// build of this test (an app's exhaustive `switch` would have to handle it).
    var kind: String {
        Mirror(reflecting: self).children.first?.label ?? String(describing: self)
    }

    var message: String {
        // the payload is the one-element tuple `(message: String)`
        guard let payload = Mirror(reflecting: self).children.first?.value else { return "" }
        return payload as? String ?? Mirror(reflecting: payload).children.first?.value as? String ?? ""
    }
}

/// Runs `body`, which must throw `ScanpassError.<kind>` (caught as a Swift error); records a
/// failure otherwise. Returns the error's message.
@discardableResult
func assertThrows<T>(
    _ kind: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> T
) -> String? {
    do {
        let value = try body()
        XCTFail("expected ScanpassError.\(kind), got a result: \(value)", file: file, line: line)
    } catch let e as ScanpassError {
        XCTAssertEqual(e.kind, kind, "wrong error: \(e)", file: file, line: line)
        return e.message
    } catch {
        XCTFail("expected ScanpassError.\(kind), got \(type(of: error)): \(error)", file: file, line: line)
    }
    return nil
}

/// `assertThrows` for an `async` call (the `_async` forms of the API).
@discardableResult
func assertThrowsAsync<T>(
    _ kind: String, file: StaticString = #filePath, line: UInt = #line, _ body: () async throws -> T
) async -> String? {
    do {
        let value = try await body()
        XCTFail("expected ScanpassError.\(kind), got a result: \(value)", file: file, line: line)
    } catch let e as ScanpassError {
        XCTAssertEqual(e.kind, kind, "wrong error: \(e)", file: file, line: line)
        return e.message
    } catch {
        XCTFail("expected ScanpassError.\(kind), got \(type(of: error)): \(error)", file: file, line: line)
    }
    return nil
}
