package app.scanpass.android

import android.app.Application

/** The process. The core is loaded lazily by the generated bindings (JNA) on first call. */
class ScanpassApplication : Application()
