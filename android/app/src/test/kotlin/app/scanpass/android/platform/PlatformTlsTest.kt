package app.scanpass.android.platform

import android.app.Application
import android.content.Context
import androidx.test.core.app.ApplicationProvider
import java.lang.reflect.InvocationTargetException
import org.junit.Assert.assertThrows
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner

/**
 * The core's certificate check is set up at start through a JNI entry of the core's library,
 * found by name: these run that entry for real (the host build of the library, a real Android
 * context under Robolectric). A renamed Kotlin class or Rust symbol fails here with
 * UnsatisfiedLinkError instead of on a phone at the first share.
 */
@RunWith(RobolectricTestRunner::class)
class PlatformTlsTest {
    @Test
    fun the_native_entry_takes_the_application_context() {
        // ScanpassApplication.onCreate has already called init for this test's application, so
        // the entry is called directly here, as init would on a fresh start
        val app = ApplicationProvider.getApplicationContext<Application>()
        nativeEntry().invoke(null, app)
        PlatformTls.init(app) // again: a no-op
    }

    @Test
    fun the_native_entry_refuses_a_missing_context_loudly() {
        // a RuntimeException thrown into the app, not a crash and not a silent success
        val thrown = assertThrows(InvocationTargetException::class.java) {
            nativeEntry().invoke(null, null)
        }
        assertTrue("got ${thrown.cause}", thrown.cause is RuntimeException)
    }

    private fun nativeEntry() =
        PlatformTls::class.java.getDeclaredMethod("nativeInit", Context::class.java).apply {
            isAccessible = true
        }
}
