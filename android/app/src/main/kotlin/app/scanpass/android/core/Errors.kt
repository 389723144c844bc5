// The core's errors as the patient reads them.
package app.scanpass.android.core

import app.scanpass.ffi.ScanpassException

/**
 * The core's sentence for [this] (every case carries a `reason` written for patients; the
 * generated `message` prefixes it with field names).
 */
fun ScanpassException.sentence(): String =
    runCatching { javaClass.getMethod("getReason").invoke(this) as String }.getOrNull() ?: message.orEmpty()
