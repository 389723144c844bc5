package app.scanpass.android

import android.app.Application
import app.scanpass.android.platform.MemoryPressure

/** The process. The core is loaded lazily by the generated bindings (JNA) on first call. */
class ScanpassApplication : Application() {
    override fun onTrimMemory(level: Int) {
        super.onTrimMemory(level)
        MemoryPressure.notify(level)
    }
}
