// Import of single files, of a zip and from a link, through the real Activity and the real core.
// The files and the zip are documents of a real DocumentsProvider (FileTreeProvider) returned
// for the ACTION_OPEN_DOCUMENT the screen started, as the system picker would; the link is a zip
// served over HTTP on loopback by the JDK's own server (the core takes http to this machine).
package app.scanpass.android.screens.import

import android.app.Activity
import android.content.ClipData
import android.content.Intent
import android.net.Uri
import android.provider.DocumentsContract
import androidx.compose.ui.test.junit4.v2.createAndroidComposeRule
import androidx.compose.ui.test.onAllNodesWithTag
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performTextInput
import app.scanpass.android.MainActivity
import app.scanpass.android.Samples
import app.scanpass.android.TestVault
import app.scanpass.android.screens.InstallTestVault
import app.scanpass.android.texts
import app.scanpass.android.screens.start.shoot
import app.scanpass.android.waitForTag
import com.sun.net.httpserver.HttpServer
import java.io.File
import java.net.InetSocketAddress
import java.nio.file.Files
import java.util.zip.ZipEntry
import java.util.zip.ZipOutputStream
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
class ImportSourcesTest {
    private val tv = lazy { TestVault() }
    @get:Rule(order = 0) val vault = InstallTestVault { tv.value }
    @get:Rule(order = 1) val rule = createAndroidComposeRule<MainActivity>()
    private val folder: File = Files.createTempDirectory("scanpass-android-docs").toFile()

    @After fun cleanUp() {
        folder.deleteRecursively()
        if (tv.isInitialized()) tv.value.close()
    }

    private val samples = listOf("pydicom/CT_small.dcm", "pydicom/MR_small.dcm")

    /** The provider over [folder]; the documents' URIs by name. */
    private fun provide(): (String) -> Uri {
        FileTreeProvider.install(folder)
        return { name -> DocumentsContract.buildDocumentUri(FileTreeProvider.AUTHORITY, "${FileTreeProvider.ROOT_ID}/$name") }
    }

    private fun zipOfSamples(): ByteArray {
        val out = java.io.ByteArrayOutputStream()
        ZipOutputStream(out).use { z ->
            samples.forEachIndexed { i, s ->
                z.putNextEntry(ZipEntry("EXAM/IM%04d".format(i + 1)))
                z.write(File(Samples.dir, s).readBytes())
                z.closeEntry()
            }
        }
        return out.toByteArray()
    }

    private fun openImport(choice: String) {
        rule.waitForTag("menu")
        rule.onNodeWithTag("menu").performClick()
        rule.onNodeWithTag("menu-import").performClick()
        rule.waitForTag("import-choice-$choice")
        rule.onNodeWithTag("import-choice-$choice").performClick()
        rule.waitForIdle()
    }

    /** Answers the document picker the screen started with [uris]. */
    private fun pick(uris: List<Uri>) {
        val started = shadowOf(rule.activity).nextStartedActivityForResult
        assertEquals(Intent.ACTION_OPEN_DOCUMENT, started.intent.action)
        val answer = Intent().setData(uris.first())
        if (uris.size > 1) {
            answer.clipData = ClipData.newRawUri("", uris.first()).also { c -> uris.drop(1).forEach { c.addItem(ClipData.Item(it)) } }
        }
        shadowOf(rule.activity).receiveResult(started.intent, Activity.RESULT_OK, answer)
    }

    /** Waits for the core's summary, fails on a refusal, and saves the screen as [name]. */
    private fun awaitSummary(name: String) {
        rule.waitUntil(60_000) {
            listOf("import-result", "problem", "import-error").any { t ->
                rule.onAllNodesWithTag(t, useUnmergedTree = true).fetchSemanticsNodes().isNotEmpty()
            }
        }
        rule.waitForIdle()
        val problems = rule.onAllNodesWithTag("problem", useUnmergedTree = true).texts() +
            rule.onAllNodesWithTag("import-error", useUnmergedTree = true).texts()
        assertTrue("the import failed: $problems", problems.isEmpty())
        rule.shoot(name)
    }

    private fun imported(): Int = tv.value.vault.studies().sumOf { it.instanceCount.toInt() }

    @Test
    fun singleFilesAreImported() {
        samples.forEach { s -> File(Samples.dir, s).copyTo(File(folder, File(s).name)) }
        val uri = provide()
        openImport("files")
        pick(samples.map { uri(File(it).name) })
        awaitSummary("import-files-result-phone-light")
        assertEquals("both files were read", 2, FileTreeProvider.opened)
        assertEquals("both images are in the vault", 2, imported())
    }

    @Test
    fun aZipIsImported() {
        File(folder, "exam.zip").writeBytes(zipOfSamples())
        val uri = provide()
        openImport("zip")
        pick(listOf(uri("exam.zip")))
        awaitSummary("import-zip-result-phone-light")
        assertEquals(1, FileTreeProvider.opened)
        assertEquals("both images of the zip are in the vault", 2, imported())
    }

    @Test
    fun aLinkToAZipIsImported() {
        val zip = zipOfSamples()
        var asked = 0
        val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
        server.createContext("/exam.zip") { ex ->
            asked++
            ex.responseHeaders.add("Content-Type", "application/zip")
            ex.sendResponseHeaders(200, zip.size.toLong())
            ex.responseBody.use { it.write(zip) }
        }
        server.start()
        try {
            openImport("link")
            rule.waitForTag("import-link-url")
            rule.onNodeWithTag("import-link-url").performTextInput("http://127.0.0.1:${server.address.port}/exam.zip")
            rule.waitForIdle()
            rule.onNodeWithTag("import-link-submit").performClick()
            awaitSummary("import-link-result-phone-light")
            assertTrue("the link was fetched", asked >= 1)
            assertEquals("both images behind the link are in the vault", 2, imported())
        } finally {
            server.stop(0)
        }
    }
}
