// Import from a document tree, through the real Activity and the real core: the library's menu
// opens the import screen, the folder choice starts ACTION_OPEN_DOCUMENT_TREE (answered here as
// the system picker would, with a tree of a DocumentsProvider over a real folder of DICOM files
// laid out like a CD), the tree is walked through the content resolver and imported, and the
// core's summary is shown. The provider is a real DocumentsProvider subclass registered with
// Robolectric (Robolectric.buildContentProvider), not a shadow of the resolver.
package app.scanpass.android.screens.import

import android.app.Activity
import android.content.Intent
import android.provider.DocumentsContract
import androidx.compose.ui.graphics.asAndroidBitmap
import androidx.compose.ui.test.captureToImage
import androidx.compose.ui.test.junit4.v2.createAndroidComposeRule
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onAllNodesWithTag
import app.scanpass.android.texts
import androidx.compose.ui.test.onRoot
import androidx.compose.ui.test.performClick
import app.scanpass.android.MainActivity
import app.scanpass.android.Samples
import app.scanpass.android.Shots
import app.scanpass.android.TestVault
import app.scanpass.android.screens.InstallTestVault
import app.scanpass.android.assertEveryControlLabelled
import app.scanpass.android.waitForTag
import java.io.File
import java.nio.file.Files
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35], qualifiers = "w360dp-h800dp-xhdpi")
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class ImportDocumentTreeTest {
    private val tv = lazy { TestVault() }
    @get:Rule(order = 0) val vault = InstallTestVault { tv.value }
    @get:Rule(order = 1) val rule = createAndroidComposeRule<MainActivity>()
    private val cd: File = Files.createTempDirectory("scanpass-android-cd").toFile()

    @After fun cleanUp() {
        cd.deleteRecursively()
        if (tv.isInitialized()) tv.value.close()
    }

    /** A CD's layout (upper-case names, no extensions, a viewer's text file) of real sample files. */
    private fun makeCd() {
        val series = File(cd, "DICOM/S0001").also { it.mkdirs() }
        Samples.dir.resolve("SAG-anon").listFiles()!!.filter { it.name.endsWith(".dcm") }.sortedBy { it.name }.take(6)
            .forEachIndexed { i, f -> f.copyTo(File(series, "IM%04d".format(i + 1))) }
        val other = File(cd, "DICOM/S0002").also { it.mkdirs() }
        Samples.dir.resolve("pydicom/CT_small.dcm").copyTo(File(other, "IM0001"))
        File(cd, "README.TXT").writeText("Viewer for Windows: run VIEWER.EXE\n")
    }

    @Test
    fun aDocumentTreeIsWalkedAndImported() {
        makeCd()
        FileTreeProvider.install(cd)
        val tree = DocumentsContract.buildTreeDocumentUri(FileTreeProvider.AUTHORITY, FileTreeProvider.ROOT_ID)

        // library -> menu -> import
        rule.waitForTag("menu") // the start model opens the vault first (StartGate)
        rule.onNodeWithTag("menu").performClick()
        rule.onNodeWithTag("menu-import").performClick()
        rule.waitForTag("import-choice-folder")
        rule.assertEveryControlLabelled("import")
        rule.onNodeWithTag("import-choice-folder").performClick()
        rule.waitForIdle()

        // the system's folder picker, answered with the tree
        val started = shadowOf(rule.activity).nextStartedActivityForResult
        assertEquals(Intent.ACTION_OPEN_DOCUMENT_TREE, started.intent.action)
        shadowOf(rule.activity).receiveResult(started.intent, Activity.RESULT_OK, Intent().setData(tree))

        rule.waitUntil(60_000) {
            listOf("import-result", "problem", "import-error").any { t ->
                rule.onAllNodesWithTag(t, useUnmergedTree = true).fetchSemanticsNodes().isNotEmpty()
            }
        }
        rule.waitForIdle()
        val problems = rule.onAllNodesWithTag("problem", useUnmergedTree = true).texts() +
            rule.onAllNodesWithTag("import-error", useUnmergedTree = true).texts()
        assertTrue("the import failed: $problems", problems.isEmpty())
        assertEquals("every file of the tree was read", 8, FileTreeProvider.opened)
        assertEquals("two studies (the MR series and the CT) were imported", 2, tv.value.vault.studies().size)
        // The summary is drawn as soon as the core publishes it; the staging copy is deleted just
        // after, when the import call returns: wait for that rather than race it.
        val staging = File(rule.activity.noBackupFilesDir, "import-staging")
        val gone = runCatching { rule.waitUntil(10_000) { staging.listFiles().orEmpty().isEmpty() } }.isSuccess
        assertTrue("the staging folder is gone: ${staging.listFiles().orEmpty().size} left", gone)
        val bmp = rule.onRoot().captureToImage().asAndroidBitmap()
        Shots.assertNotBlank(bmp, "import-result-phone-light")
        Shots.save(bmp, "import-result-phone-light")
        rule.assertEveryControlLabelled("import result")
    }
}
