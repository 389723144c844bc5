// The app in French (the device's language, which the core's models follow): the library, the
// viewer and the share form captured at 360 x 800 dp, each checked against the core's French
// words; and the viewer's title at font scale 2, which must not be cut (it was cut to "S..." by
// the appointment button): the title's own text layout has no ellipsis and no overflow.
package app.scanpass.android.screens

import androidx.compose.ui.semantics.SemanticsActions
import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.semantics.getOrNull
import androidx.compose.ui.test.junit4.v2.createAndroidComposeRule
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.onAllNodesWithTag
import app.scanpass.android.texts
import androidx.compose.ui.text.TextLayoutResult
import app.scanpass.android.MainActivity
import app.scanpass.android.screens.viewer.ViewerVault
import app.scanpass.android.screens.viewer.openViewer
import app.scanpass.android.textsOf
import app.scanpass.android.screens.start.shoot
import app.scanpass.android.waitForTag
import app.scanpass.ffi.LibraryScreen
import app.scanpass.ffi.ViewerScreen
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35])
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class FrenchAndLargeTextTest {
    @get:Rule(order = 0) val vault = InstallTestVault { ViewerVault.tv }
    @get:Rule(order = 1) val rule = createAndroidComposeRule<MainActivity>()


    private fun firstSeries(): String = ViewerVault.tv.vault.let { v -> v.series(v.studies().single().id).first().id }

    @Test @Config(qualifiers = "fr-rFR-w360dp-h800dp-xhdpi")
    fun libraryViewerAndShareInFrench() {
        val locale = rule.activity.resources.configuration.locales[0].toLanguageTag()
        assertEquals("fr-FR", locale)
        val library = LibraryScreen(ViewerVault.tv.vault, locale).use { it.view() }
        rule.waitForTag("study", 1)
        assertTrue("the core's French title: ${library.title}", rule.onAllNodesWithText(library.title).isNotEmpty())
        // the start model (made by the test in English, as one made before a language change)
        // speaks the device's language once the Activity gives it: "Verrouiller", not "Lock"
        assertEquals(listOf("Verrouiller"), rule.onAllNodesWithTag("start-lock").texts())
        rule.shoot("library-phone-light-fr")

        val viewer = ViewerScreen(ViewerVault.tv.vault, firstSeries(), locale).use { it.view() }
        rule.openViewer()
        assertEquals(listOf(viewer.sliceText), rule.textsOf("viewer-slice"))
        val english = ViewerScreen(ViewerVault.tv.vault, firstSeries(), "en-US").use { it.view().sliceText }
        assertNotEquals("French words, not English", english, viewer.sliceText)
        rule.shoot("viewer-phone-light-fr")

        rule.onNodeWithTag("viewer-back").performClick()
        rule.waitForTag("study-share")
        rule.onNodeWithTag("study-share").performClick()
        rule.waitForTag("share-study")
        rule.shoot("share-phone-light-fr")
    }

    @Test @Config(qualifiers = "w360dp-h800dp-xhdpi", fontScale = 2.0f)
    fun theViewerTitleIsNotCutAtFontScale2() {
        rule.openViewer()
        rule.waitForTag("viewer-title")
        rule.waitUntil(20_000) { rule.textsOf("viewer-title").singleOrNull()?.isNotEmpty() == true }
        val node = rule.onNodeWithTag("viewer-title", useUnmergedTree = true).fetchSemanticsNode()
        val title = node.config.getOrNull(SemanticsProperties.Text)?.joinToString("") { it.text }
        val layouts = mutableListOf<TextLayoutResult>()
        node.config[SemanticsActions.GetTextLayoutResult].action!!.invoke(layouts)
        val layout = layouts.single()
        assertFalse("the title \"$title\" overflows", layout.hasVisualOverflow)
        assertFalse("the title \"$title\" is cut", (0 until layout.lineCount).any { layout.isLineEllipsized(it) })
        // the appointment button is still there, labelled with the core's words
        val appointment = rule.onNodeWithTag("viewer-appointment").fetchSemanticsNode()
        assertTrue(
            "appointment mode labelled",
            appointment.config.getOrNull(SemanticsProperties.ContentDescription).orEmpty().isNotEmpty() ||
                rule.textsOf("viewer-appointment").isNotEmpty(),
        )
        rule.shoot("viewer-title-phone-light-font2")
    }

    private fun androidx.compose.ui.test.junit4.ComposeTestRule.onAllNodesWithText(text: String) =
        onAllNodes(androidx.compose.ui.test.hasText(text), useUnmergedTree = true).fetchSemanticsNodes()
}
