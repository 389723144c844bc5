package app.scanpass.android.platform

import android.content.Context

/**
 * Android's certificate check for the core's HTTPS connections (the relay, share links, provider
 * links). The core's TLS (rustls with rustls-platform-verifier) asks Android's own trust store
 * through the JVM, so it needs the app's context once, before the first connection; until then
 * the core refuses every HTTPS connection with a sentence saying so. [ScanpassApplication] calls
 * [init] in `onCreate`; a failure throws there, at start, not at the patient's first share.
 *
 * The native side is `uniffi/src/platform_tls.rs`, a plain JNI entry (uniffi's calls go through
 * JNA, which cannot hand over a JNI environment), in the same library as the bindings.
 */
object PlatformTls {
    @Volatile private var done = false

    @Synchronized
    fun init(context: Context) {
        if (done) return
        System.loadLibrary("scanpass_ffi")
        nativeInit(context.applicationContext ?: context)
        done = true
    }

    @JvmStatic private external fun nativeInit(context: Context)
}
