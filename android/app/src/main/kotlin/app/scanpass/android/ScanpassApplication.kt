package app.scanpass.android

import android.app.Application
import app.scanpass.android.platform.MemoryPressure
import app.scanpass.android.platform.PlatformTls

/**
 * The process. The core is loaded by the generated bindings (JNA) on first call; its HTTPS
 * certificate check is set up here, before any screen can reach the network ([PlatformTls]).
 */
class ScanpassApplication : Application() {
    override fun onCreate() {
        super.onCreate()
        PlatformTls.init(this)
    }

    override fun onTrimMemory(level: Int) {
        super.onTrimMemory(level)
        MemoryPressure.notify(level)
    }
}
