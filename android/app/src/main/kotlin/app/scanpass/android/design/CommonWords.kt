// The chrome's words every screen shares (a top bar's back, a sheet's close and done), from the
// core's catalogue in the configuration's language.
package app.scanpass.android.design

import androidx.compose.runtime.Composable
import androidx.compose.runtime.remember
import androidx.compose.ui.platform.LocalConfiguration
import app.scanpass.ffi.CommonWords
import app.scanpass.ffi.commonWords

/** The core's chrome words for the configuration's locale (a quick call, remembered per locale). */
@Composable
fun rememberCommonWords(): CommonWords {
    val locale = LocalConfiguration.current.locales[0].toLanguageTag()
    return remember(locale) { commonWords(locale) }
}
