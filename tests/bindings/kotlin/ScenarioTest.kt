// The bindings scenario (tests/bindings/SCENARIO.md) in Kotlin on the JVM, through the generated
// bindings (scripts/bindgen kotlin): JUnit 4, run by tests/bindings/kotlin/run.
package app.scanpass.test

import app.scanpass.ffi.AppointmentEffect
import app.scanpass.ffi.AppointmentEvent
import app.scanpass.ffi.AppointmentMode
import app.scanpass.ffi.CancelHandle
import app.scanpass.ffi.ImportEvent
import app.scanpass.ffi.ImportListener
import app.scanpass.ffi.ImportScreen
import app.scanpass.ffi.ImportScreenView
import app.scanpass.ffi.ImportViewListener
import app.scanpass.ffi.MySharesEvent
import app.scanpass.ffi.MySharesScreen
import app.scanpass.ffi.ReceiveScreen
import app.scanpass.ffi.ReceiveScreenEvent
import app.scanpass.ffi.ShareScreen
import app.scanpass.ffi.ShareScreenEvent
import app.scanpass.ffi.ImportSource
import app.scanpass.ffi.KeyStore
import app.scanpass.ffi.KeyStoreException
import app.scanpass.ffi.LibraryEvent
import app.scanpass.ffi.LibraryScreen
import app.scanpass.ffi.FieldKind
import app.scanpass.ffi.LetterKind
import app.scanpass.ffi.NextKind
import app.scanpass.ffi.RequestClock
import app.scanpass.ffi.RequestState
import app.scanpass.ffi.RequestWizard
import app.scanpass.ffi.RequestsEvent
import app.scanpass.ffi.RequestsScreen
import app.scanpass.ffi.WizardEvent
import app.scanpass.ffi.RenderedSlice
import app.scanpass.ffi.ScanpassException
import app.scanpass.ffi.Series
import app.scanpass.ffi.ShareListener
import app.scanpass.ffi.ShareRequest
import app.scanpass.ffi.ShareStatus
import app.scanpass.ffi.StartEvent
import app.scanpass.ffi.StartScreen
import app.scanpass.ffi.StartStage
import app.scanpass.ffi.Study
import app.scanpass.ffi.Vault
import app.scanpass.ffi.VaultListener
import app.scanpass.ffi.Viewer
import app.scanpass.ffi.ViewerCalibration
import app.scanpass.ffi.ViewerEvent
import app.scanpass.ffi.ViewerPoint
import app.scanpass.ffi.ViewerScreen
import app.scanpass.ffi.ViewerTool
import app.scanpass.ffi.Window
import app.scanpass.ffi.linkNeedsPasscode
import app.scanpass.ffi.passcodeProblem
import app.scanpass.ffi.linkQrPng
import java.io.File
import java.nio.file.Files
import java.security.MessageDigest
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.atomic.AtomicInteger
import kotlinx.coroutines.runBlocking
import org.junit.AfterClass
import org.junit.Assume.assumeTrue
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.BeforeClass
import org.junit.FixMethodOrder
import org.junit.Test
import org.junit.runners.MethodSorters

private fun env(name: String): String =
    System.getenv(name) ?: throw IllegalStateException("$name is not set (run tests/bindings/run kotlin)")

private val SAMPLES: String by lazy { env("SCANPASS_SAMPLES") }
private val SLICE: UInt by lazy { (System.getenv("SCANPASS_SLICE") ?: "96").toUInt() }
private val EXPECT_DEFAULT: String by lazy { env("SCANPASS_EXPECT_DEFAULT") }
private val EXPECT_CUSTOM: String by lazy { env("SCANPASS_EXPECT_CUSTOM") }

/** A key store written in Kotlin: what the app's Android Keystore wrapper does, kept in memory. */
class MemoryKeyStore : KeyStore {
    val keys = ConcurrentHashMap<String, ByteArray>()
    val loads = AtomicInteger()
    val stores = AtomicInteger()

    override fun load(vaultId: String): ByteArray? {
        loads.incrementAndGet()
        return keys[vaultId]?.copyOf()
    }

    override fun store(vaultId: String, key: ByteArray) {
        stores.incrementAndGet()
        keys[vaultId] = key.copyOf()
    }

    override fun delete(vaultId: String) {
        keys.remove(vaultId)
    }
}

/** Hands back 32 bytes that are not the vault's key. */
class OtherKeyStore : KeyStore {
    override fun load(vaultId: String): ByteArray? = ByteArray(32) { it.toByte() }
    override fun store(vaultId: String, key: ByteArray) {}
    override fun delete(vaultId: String) {}
}

/** The user gave the wrong passphrase / biometric. */
class RefusingKeyStore : KeyStore {
    override fun load(vaultId: String): ByteArray? = throw KeyStoreException.WrongSecret()
    override fun store(vaultId: String, key: ByteArray) = throw KeyStoreException.Unavailable("read-only")
    override fun delete(vaultId: String) {}
}

/** A listener that fails on every event, as a UI listener touching a view off its thread. */
class ThrowingListener : ImportListener {
    val calls = java.util.concurrent.atomic.AtomicInteger()

    override fun onEvent(event: ImportEvent) {
        calls.incrementAndGet()
        throw IllegalStateException("listener broke")
    }
}

/** Records import events (called on the importing thread); optionally cancels after `cancelAfter`. */
class Recorder(private val cancel: CancelHandle? = null, private val cancelAfter: ULong = 0UL) : ImportListener {
    val events = CopyOnWriteArrayList<ImportEvent>()

    override fun onEvent(event: ImportEvent) {
        events.add(event)
        if (cancel != null && event is ImportEvent.Processed && event.done >= cancelAfter) {
            cancel.cancel()
        }
    }

    fun processed(): List<ULong> = events.filterIsInstance<ImportEvent.Processed>().map { it.done }
}

/** Share progress (called on the sharing thread): every (done, files, bytesSent) in order. */
class ShareProgress : ShareListener {
    val calls = CopyOnWriteArrayList<Triple<ULong, ULong, ULong>>()

    override fun onProgress(done: ULong, files: ULong, bytesSent: ULong) {
        calls.add(Triple(done, files, bytesSent))
    }
}

/** What tests/bindings/kotlin/run looks for: step 8 ran to its end (JUnit's summary counts a skip as run). */
const val STEP8_DONE = "scenario step 8: shared, received and revoked through the relay"

fun sha256(bytes: ByteArray): String =
    MessageDigest.getInstance("SHA-256").digest(bytes).joinToString("") { "%02x".format(it) }

fun sha(slice: RenderedSlice): String = sha256(slice.rgba)

/** Runs `block` and returns the exception of type T it throws; fails when it throws nothing or another. */
inline fun <reified T : Throwable> assertThrowsType(what: String, block: () -> Unit): T {
    try {
        block()
    } catch (e: Throwable) {
        if (e is T) return e
        throw AssertionError("$what: expected ${T::class.java.name}, got $e", e)
    }
    throw AssertionError("$what: expected ${T::class.java.name}, nothing was thrown")
}

fun path(vararg parts: String): ImportSource = ImportSource.Path(File(SAMPLES, parts.joinToString("/")).path)

@FixMethodOrder(MethodSorters.NAME_ASCENDING)
class ScenarioTest {
    companion object {
        lateinit var tmp: File
        lateinit var store: MemoryKeyStore
        lateinit var vault: Vault
        lateinit var rec: Recorder
        lateinit var summary: app.scanpass.ffi.ImportSummary
        lateinit var study: Study
        lateinit var series: Series
        lateinit var viewer: Viewer

        @BeforeClass
        @JvmStatic
        fun setUp() {
            tmp = Files.createTempDirectory("scanpass-kt-").toFile()
            store = MemoryKeyStore()
            vault = Vault.create(File(tmp, "vault").path, store)
            rec = Recorder()
            summary = CancelHandle().use { vault.importFrom(listOf(path("SAG-anon")), rec, it) }
            study = vault.studies().first { it.instanceCount == 192u }
            series = vault.series(study.id).first()
            viewer = vault.openViewer(series.id)
        }

        @AfterClass
        @JvmStatic
        fun tearDown() {
            if (::viewer.isInitialized) viewer.close()
            if (::vault.isInitialized) vault.close()
            if (::tmp.isInitialized) tmp.deleteRecursively()
        }
    }

    @Test
    fun test1_keyStoreInKotlinKeepsTheVaultKey() {
        assertEquals(setOf(vault.id()), store.keys.keys.toSet())
        assertEquals(32, store.keys.getValue(vault.id()).size)
        assertEquals("Vault.create stores the key once", 1, store.stores.get())
        assertTrue(vault.isUnlocked())
    }

    @Test
    fun test2_lockUnlockAndWrongKeys() {
        val s = MemoryKeyStore()
        Vault.create(File(tmp, "v2").path, s).use { v ->
            assertTrue(v.isUnlocked())
            v.lock()
            assertFalse(v.isUnlocked())
            assertThrowsType<ScanpassException.Locked>("studies() while locked") { v.studies() }
            val loadsBefore = s.loads.get()
            v.unlock(s)
            assertTrue(v.isUnlocked())
            assertTrue("unlock loads the key from the store", s.loads.get() > loadsBefore)
            assertEquals(0, v.studies().size)

            v.lock()
            val e = assertThrowsType<ScanpassException.WrongKey>("unlock with other 32 bytes") {
                v.unlock(OtherKeyStore())
            }
            assertTrue("message: ${e.message}", e.message.orEmpty().contains("passphrase"))
            assertFalse(v.isUnlocked())
            assertThrowsType<ScanpassException.WrongKey>("unlock with a store throwing WrongSecret") {
                v.unlock(RefusingKeyStore())
            }
            assertFalse(v.isUnlocked())
            // the right key still opens it after the failures
            v.unlock(s)
            assertTrue(v.isUnlocked())
        }
        assertThrowsType<ScanpassException.KeyStore>("create with a store that cannot store") {
            Vault.create(File(tmp, "v4").path, RefusingKeyStore()).close()
        }
        assertThrowsType<ScanpassException.VaultExists>("create where a vault is") {
            Vault.create(File(tmp, "v2").path, MemoryKeyStore()).close()
        }
    }

    @Test
    fun test3_importReportsProgressThroughAKotlinListener() {
        assertEquals(192u, summary.instancesAdded)
        assertEquals(2u, summary.skipped)
        assertEquals(emptyList<Any>(), summary.errors)
        assertFalse(summary.cancelled)
        assertEquals(1u, summary.patients)
        assertFalse(summary.mixedPatients)
        val first = rec.events.first()
        assertTrue("first event: $first", first is ImportEvent.Found)
        assertEquals(194UL, (first as ImportEvent.Found).files)
        assertEquals((1UL..194UL).toList(), rec.processed())
        assertTrue(rec.events.none { it is ImportEvent.FileFailed })
    }

    @Test
    fun test4_cancelHalfWay() {
        val v = Vault.create(File(tmp, "cancel").path, MemoryKeyStore())
        v.use {
            val cancel = CancelHandle()
            val r = Recorder(cancel, 30UL)
            val s = v.importFrom(listOf(path("pydicom")), r, cancel)
            assertTrue("summary.cancelled", s.cancelled)
            assertTrue(cancel.isCancelled())
            val found = r.events.first()
            assertTrue("first event: $found", found is ImportEvent.Found)
            assertEquals(137UL, (found as ImportEvent.Found).files)
            val done = r.processed().maxOrNull()
            assertNotNull("no Processed event", done)
            assertTrue("done $done >= 30", done!! >= 30UL)
            assertTrue("done $done < 137", done < 137UL)
            cancel.close()
        }
    }

    @Test
    fun test5_libraryListsPatientsStudiesSeriesAndThumbnails() {
        val patients = vault.patients()
        assertEquals(1, patients.size)
        assertEquals(1u, patients[0].studyCount)
        assertEquals(listOf(study.id), vault.studiesOf(patients[0].id).map { it.id })
        assertEquals(listOf(study.id), vault.studies().map { it.id })
        assertEquals(listOf("MR"), study.modalities)
        assertEquals(192u, study.instanceCount)
        assertEquals(1, vault.series(study.id).size)
        assertEquals(192u, series.instanceCount)
        assertEquals("MR", series.modality)
        val png = vault.thumbnail(series.id)
        assertArrayEquals(
            byteArrayOf(0x89.toByte(), 'P'.code.toByte(), 'N'.code.toByte(), 'G'.code.toByte(), 0x0d, 0x0a, 0x1a, 0x0a),
            png.copyOfRange(0, minOf(8, png.size)),
        )
        val screen = LibraryScreen(vault, "fr-CA")
        var v = screen.view()
        assertEquals(vault.revision(), v.revision)
        assertEquals(listOf("ANONYMIZED" to "1 examen"), v.patients.map { it.name to it.summary })
        val s = v.patients[0].studies[0]
        assertEquals(
            listOf(study.id, "MR-Brain w/o Contrast", "IRM", "8 mars 2013", "1 série · 192 images"),
            listOf(s.id, s.title, s.kinds, s.date, s.counts),
        )
        v = screen.handle(LibraryEvent.Search("xyz"))
        assertEquals(0, v.patients.size)
        assertEquals("Rien ne correspond à « xyz ».", v.empty)
        screen.handle(LibraryEvent.Search(""))
        v = screen.handle(LibraryEvent.AskDelete(study.id))
        assertEquals("Supprimer cet examen ?", v.confirm?.title)
        assertEquals(true, v.confirm?.destructive)
        assertEquals(null, screen.handle(LibraryEvent.CancelDelete).confirm)
    }

    @Test
    fun test5b_theVaultTellsAListenerOfItsChanges() {
        Vault.create(File(tmp, "watched").path, MemoryKeyStore()).use { v ->
            val seen = CopyOnWriteArrayList<ULong>()
            val watch = v.watch(object : VaultListener {
                override fun onChange(revision: ULong) { seen.add(revision) }
            })
            CancelHandle().use { v.importFrom(listOf(path("pydicom/CT_small.dcm")), null, it) }
            assertTrue("the import was announced", seen.isNotEmpty())
            assertEquals(seen.toList().distinct().sorted(), seen.toList())
            assertEquals(v.revision(), seen.last())
            watch.stop()
            val before = seen.size to v.revision()
            v.deleteStudy(v.studies()[0].id)
            assertTrue(v.revision() > before.second)
            assertEquals("nothing after stop()", before.first, seen.size)
            watch.close()
        }
    }

    @Test
    fun test6_renderMatchesTheRustSide() {
        assertEquals(192u, viewer.sliceCount())
        val g = viewer.geometry()
        assertEquals(256u to 256u, g.rows to g.cols)

        val s = viewer.render(SLICE, Window.Default)
        assertEquals(256u to 256u, s.width to s.height)
        val rgba = s.rgba
        assertEquals(256 * 256 * 4, rgba.size)
        assertTrue("alpha 255", (3 until rgba.size step 4).all { rgba[it] == 0xFF.toByte() })
        assertEquals(EXPECT_DEFAULT, sha256(rgba))
        assertTrue("a grey slice is windowed", s.windowed)

        val c = viewer.render(SLICE, Window.Custom(300.0, 600.0))
        assertTrue(c.windowed)
        assertEquals(300.0 to 600.0, c.windowCenter to c.windowWidth)
        assertEquals(EXPECT_CUSTOM, sha(c))

        val a = runBlocking { viewer.renderAsync(SLICE, Window.Default) }
        assertEquals(EXPECT_DEFAULT, sha(a))
    }

    @Test
    fun test7_typedErrors() {
        val v = Vault.create(File(tmp, "errors").path, MemoryKeyStore())
        v.use {
            val s = CancelHandle().use { cancel ->
                runBlocking {
                    v.importFromAsync(
                        listOf(path("pydicom", "waveform_ecg.dcm"), path("pydicom", "MR_truncated.dcm")),
                        null,
                        cancel,
                    )
                }
            }
            assertEquals(2u, s.instancesAdded)
            val byModality = v.studies().flatMap { v.series(it.id) }.associateBy { it.modality }
            assertEquals(setOf("ECG", "MR"), byModality.keys)
            assertThrowsType<ScanpassException.NoImage>("openViewer on the ECG") {
                v.openViewer(byModality.getValue("ECG").id)
            }
            val mr = v.openViewer(byModality.getValue("MR").id)
            val e = assertThrowsType<ScanpassException.Damaged>("render of the truncated MR") {
                mr.render(0u, Window.Default)
            }
            assertFalse("message names the file: ${e.message}", e.message.orEmpty().contains("MR1"))
            assertThrowsType<ScanpassException.InvalidInput>("slice 192 of 192") {
                viewer.render(192u, Window.Default)
            }
            assertThrowsType<ScanpassException.InvalidInput>("window width 0") {
                viewer.render(0u, Window.Custom(0.0, 0.0))
            }
            assertThrowsType<ScanpassException.InvalidInput>("window width infinite") {
                viewer.render(0u, Window.Custom(0.0, Double.POSITIVE_INFINITY))
            }
            assertThrowsType<ScanpassException.CannotRead>("import of a path that is not there") {
                CancelHandle().use { v.importFrom(listOf(ImportSource.Path(File(tmp, "no-such-cd").path)), null, it) }
            }
            val broken = ThrowingListener()
            val added = CancelHandle().use { v.importFrom(listOf(path("pydicom", "CT_small.dcm")), broken, it) }
            assertEquals("a throwing listener does not stop the import", 1u, added.instancesAdded)
            assertTrue("the listener was called: ${broken.calls.get()}", broken.calls.get() > 1)
            v.lock()
            assertThrowsType<ScanpassException.Locked>("render after lock()") {
                mr.render(0u, Window.Default)
            }
            mr.close()
        }
    }

    @Test
    fun test8_shareReceiveRevokeThroughARelay() {
        val relay = System.getenv("SCANPASS_RELAY").orEmpty()
        assumeTrue("SCANPASS_RELAY (a running relay) not set", relay.isNotEmpty())
        val progress = ShareProgress()
        val req = ShareRequest(
            studyId = study.id,
            seriesIds = listOf(),
            relay = relay,
            expiresInDays = 1u,
            maxDownloads = null,
            passcode = "blue harbour seven lanterns",
            deidentify = null,
        )
        assertNull("shareWarning", vault.shareWarning(study.id, listOf()))
        // the link carries the share's key: never print it (no message below names `done` or the link)
        val done = CancelHandle().use { cancel -> runBlocking { vault.shareAsync(req, progress, cancel) } }
        assertEquals(ShareStatus.ACTIVE, done.share.status)
        assertFalse("resumed", done.resumed)
        assertEquals("the request's default: one study", emptyList<String>(), done.share.otherStudyIds)
        assertEquals("192 images, README.TXT, DICOMDIR", 194u, done.share.files)
        val last = progress.calls.lastOrNull()
        assertNotNull("the Kotlin share listener was called", last)
        assertEquals(192UL to 192UL, last!!.first to last.second)
        val link = done.share.link
        assertTrue("linkNeedsPasscode", linkNeedsPasscode(link))
        assertTrue("a weak passcode is refused", passcodeProblem("blue harbour")!!.contains("too easy to guess"))
        assertTrue("a strong passcode is taken", passcodeProblem("blue harbour seven lanterns") == null)
        val qr = linkQrPng(link, 4u)
        assertArrayEquals(
            byteArrayOf(0x89.toByte(), 'P'.code.toByte(), 'N'.code.toByte(), 'G'.code.toByte(), 0x0d, 0x0a, 0x1a, 0x0a),
            qr.copyOfRange(0, minOf(8, qr.size)),
        )

        Vault.create(File(tmp, "receiver").path, MemoryKeyStore()).use { other ->
            assertThrowsType<ScanpassException.PasscodeNeeded>("receive without the passcode") {
                CancelHandle().use { other.receive(link, null, null, it) }
            }
            assertThrowsType<ScanpassException.WrongPasscode>("receive with a wrong passcode (async)") {
                CancelHandle().use { runBlocking { other.receiveAsync(link, "red harbour seven lanterns", null, it) } }
            }
            val got = CancelHandle().use { runBlocking { other.receiveAsync(link, "blue harbour seven lanterns", null, it) } }
            assertEquals(192u, got.summary.instancesAdded)
            assertEquals(emptyList<Any>(), got.summary.errors)
            val received = other.series(other.studies().first().id).first()
            other.openViewer(received.id).use { v ->
                assertEquals(EXPECT_DEFAULT, sha(v.render(SLICE, Window.Default)))
            }

            val events = vault.shareAccessLog(done.share.id).map { it.event }
            assertTrue("access log: $events", "manifest" in events)
            assertTrue("access log: $events", "denied" in events)
            assertEquals(ShareStatus.REVOKED, vault.revokeShare(done.share.id).status)
            assertEquals(listOf(ShareStatus.REVOKED), vault.shares().map { it.status })
            assertThrowsType<ScanpassException.ShareGone>("receive after revoke") {
                CancelHandle().use { other.receive(link, "blue harbour seven lanterns", null, it) }
            }
        }
        println(STEP8_DONE)
    }

    @Test
    fun test9_viewerScreen() {
        // the library opens a study: the core picks its series
        ViewerScreen.forStudy(vault, study.id, "fr-CA").use { assertEquals(series.id, it.view().seriesId) }
        assertThrowsType<ScanpassException.NotFound>("forStudy on a series id") {
            ViewerScreen.forStudy(vault, series.id, "fr-CA")
        }
        ViewerScreen(vault, series.id, "fr-CA").use { screen ->
            var v = screen.view()
            assertEquals(listOf<Any>(0u, 192u, "Coupe 1 sur 192"), listOf<Any>(v.slice, v.sliceCount, v.sliceText))
            assertEquals(listOf(Triple(series.id, "192 images", true)), v.strip.map { Triple(it.id, it.count, it.selected) })
            assertEquals(listOf("default", "auto"), v.presets.map { it.id })
            val o = v.orientation!!
            assertEquals(listOf("H", "P", "F", "A"), listOf(o.top, o.right, o.bottom, o.left))
            assertEquals(
                listOf<String?>("ANONYMIZED", "8 mars 2013", "SAG MPRAGE 220 FOV"),
                listOf(v.overlay.patient, v.overlay.studyDate, v.overlay.series),
            )
            screen.handle(ViewerEvent.Resize(width = 400.0, height = 768.0))
            v = screen.handle(ViewerEvent.Scroll(dyPx = 384.0))
            assertEquals(listOf<Any>(96u, "Coupe 97 sur 192"), listOf<Any>(v.slice, v.sliceText))
            assertEquals(listOf(97u, 95u), v.prefetch.take(2))
            var w = v.window!!
            assertEquals(listOf<Any>(274.0, 612.0, "L 612 · C 274"), listOf<Any>(w.center, w.width, w.text))
            assertEquals(
                listOf(Triple(ViewerTool.SCROLL, "Défiler", true), Triple(ViewerTool.WINDOW, "Fenêtre", false), Triple(ViewerTool.MEASURE, "Mesurer", false)),
                v.tools.map { Triple(it.tool, it.label, it.selected) },
            )
            v = screen.handle(ViewerEvent.SelectTool(ViewerTool.WINDOW))
            assertEquals(ViewerTool.WINDOW, v.tool)
            v = screen.handle(ViewerEvent.WindowDrag(dx = 40.0, dy = -10.0))
            w = v.window!!
            assertEquals(205.75, w.center, 1e-9)
            assertEquals(885.0, w.width, 1e-9)
            assertEquals(listOf("L 885 · C 206", "Personnalisée"), listOf(w.text, w.source))
            val r = screen.render()
            assertEquals(listOf(256u, 256u), listOf(r.width, r.height))
            assertEquals(256 * 256 * 4, r.rgba.size)
            assertTrue(r.windowed)
            assertEquals(205.75, r.windowCenter, 1e-9)
            v = screen.handle(ViewerEvent.Measure(start = ViewerPoint(10.0, 10.0), end = ViewerPoint(110.0, 10.0)))
            val m = v.measurement!!
            assertEquals("85,9 mm", m.text)
            assertEquals(ViewerCalibration.PIXEL_SPACING, m.calibration)
            assertEquals(85.9375, m.lengthMm!!, 1e-9)
            assertEquals(60.0, screen.handle(ViewerEvent.SetRate(fps = 500.0)).cine.fps, 0.0)
            assertThrowsType<ScanpassException.InvalidInput>("slice 192 of 192") {
                screen.handle(ViewerEvent.GoTo(slice = 192u))
            }
            assertEquals(96u, screen.view().slice)
            assertEquals(null, screen.handle(ViewerEvent.HideName(hidden = true)).overlay.patient)
        }
    }

    @Test
    fun test10_startAndAppointmentMode() {
        val good = "copper lantern orbit meadow"
        val start = StartScreen(File(tmp, "start").path, null, "en")
        var v = start.view()
        assertEquals(StartStage.CREATE to false, v.stage to v.showLibrary)
        val e = assertThrowsType<ScanpassException.Invalid>("a weak passphrase") {
            start.handle(StartEvent.Create("blue harbour", "blue harbour"))
        }
        assertEquals(listOf("passphrase"), e.fields.map { it.field })
        assertTrue(e.fields[0].message, e.fields[0].message.contains("too easy to guess"))
        assertEquals(null, start.vault())
        v = start.handle(StartEvent.Create(good, good))
        assertEquals(StartStage.UNLOCKED to true, v.stage to v.showLibrary)
        val mine = start.vault()!!
        CancelHandle().use {
            mine.importFrom(listOf(path("pydicom", "CT_small.dcm")), null, it)
        }
        val pinned = mine.studies()[0].id
        val mode = AppointmentMode(mine, null, "en")
        var a = mode.handle(AppointmentEvent.Enter(pinned, null, true))
        assertTrue(a.active)
        assertEquals(pinned, a.pinnedStudyId)
        assertFalse(a.showNavigation)
        assertTrue(a.blockScreenshots)
        assertTrue(a.hidePatientName)
        assertFalse(a.linksMayOpen || mode.mayOpenLink())
        a = mode.handle(AppointmentEvent.Leave)
        assertEquals(AppointmentEffect.AskPassphrase("Enter your passphrase to leave appointment mode"), a.effect)
        a = mode.handle(AppointmentEvent.Passphrase("wrong horse"))
        assertTrue(a.active && a.blockScreenshots)
        assertEquals(4u to "That passphrase is not the right one.", a.attemptsLeft to a.feedback)
        assertEquals("4 tries left before Scanpass locks", a.attemptsLeftText)
        a = mode.handle(AppointmentEvent.Passphrase(good))
        assertFalse(a.active || a.blockScreenshots)
        assertTrue(a.showNavigation && a.linksMayOpen)
        v = start.handle(StartEvent.Lock)
        assertEquals(StartStage.UNLOCK to false, v.stage to v.showLibrary)
        v = start.handle(StartEvent.Unlock("wrong horse"))
        assertEquals(StartStage.UNLOCK to 4u, v.stage to v.attemptsLeft)
        assertEquals("4 tries left", v.attemptsLeftText)
        v = start.handle(StartEvent.Unlock(good))
        assertEquals(StartStage.UNLOCKED to true, v.stage to v.showLibrary)
    }

    @Test
    fun test12_shareAndReceiveScreens() {
        val relay = System.getenv("SCANPASS_RELAY").orEmpty()
        assertTrue("SCANPASS_RELAY (a running relay) not set", relay.isNotEmpty())
        val viewer = "https://view.example/test/0.1.0/"
        val passcode = "blue harbour seven lanterns"
        val v12 = Vault.create(File(tmp, "v12").path, MemoryKeyStore())
        val seen = CopyOnWriteArrayList<ImportScreenView>()
        val listener = object : ImportViewListener {
            override fun onView(view: ImportScreenView) {
                seen.add(view)
            }
        }
        val end = ImportScreen(v12, "en").start(listOf(ImportSource.Path(File(SAMPLES, "SAG-anon").path)), listener)
        assertEquals(
            listOf(
                "192 images added",
                "2 files were not images (viewer programs or web pages on the disc, for example)",
            ),
            end.result!!.lines,
        )
        assertNull(end.result!!.warning)
        assertTrue("progress seen", seen.any { it.progress?.filesText == "0 of 194 files" })
        val studyId = v12.studies().first().id

        val screen = ShareScreen(v12, "en", relay, studyId, viewer)
        screen.handle(ShareScreenEvent.SetPasscode("blue harbour"))
        var v = screen.share(null)
        assertNull(v.result)
        assertEquals(listOf("passcode"), v.form.errors.map { it.field })
        assertTrue(v.form.errors[0].message.startsWith("This passcode is too easy to guess"))
        screen.handle(ShareScreenEvent.SetPasscode(passcode))
        v = screen.handle(ShareScreenEvent.SetExpiryDays(1u))
        assertEquals(emptyList<Any>(), v.form.errors)
        v = screen.share(null)
        assertNull(v.error)
        // the link carries the share's key: never print it
        val done = v.result!!
        assertTrue(done.link.startsWith(viewer))
        assertEquals(0x89.toByte(), done.qrPng[0])
        assertEquals('P'.code.toByte(), done.qrPng[1])
        assertTrue(done.message.contains(done.link))
        assertFalse(done.message.contains(passcode))
        assertEquals("The passcode for the medical images I sent you: blue harbour seven lanterns", done.passcodeMessage)

        val other = Vault.create(File(tmp, "v12-receiver").path, MemoryKeyStore())
        val rx = ReceiveScreen(other, "en")
        var r = rx.handle(ReceiveScreenEvent.SetLink("see you tomorrow"))
        assertEquals(
            "This is not a Scanpass link, or it was cut when copied. Copy the whole link again.",
            r.linkError,
        )
        r = rx.handle(ReceiveScreenEvent.SetLink(done.link))
        assertNull(r.linkError)
        assertNull(r.passcode!!.error)
        r = rx.receive("red harbour seven lanterns", null)
        assertNull(r.result)
        assertTrue(r.passcode!!.error!!.startsWith("That passcode does not open these images."))
        r = rx.receive(passcode, null)
        assertEquals(listOf("192 images added"), r.result!!.lines)

        val mine = MySharesScreen(v12, "en")
        var m = mine.handle(MySharesEvent.Refresh)
        assertEquals(1, m.shares.size)
        val access = m.shares[0].access!!
        assertTrue(access, access.startsWith("Opened once, on ") && access.endsWith("1 wrong passcode was tried"))
        m = mine.handle(MySharesEvent.AskRevoke(m.shares[0].id))
        assertEquals("Revoke this link?", m.confirm!!.title)
        m = mine.handle(MySharesEvent.ConfirmRevoke)
        assertEquals(ShareStatus.REVOKED, m.shares[0].status)
        assertEquals("Revoked: the link no longer opens anything", m.shares[0].state)
        rx.handle(ReceiveScreenEvent.SetLink(done.link))
        r = rx.receive(passcode, null)
        assertTrue(r.error!!.startsWith("This link no longer opens anything"))
    }

    @Test
    fun test11_requestWizardToALetterThenTheFollowUp() {
        val dir = Files.createTempDirectory("scanpass-kt-requests").toFile()
        val vault = Vault.create(File(dir, "vault").path, MemoryKeyStore())
        val clock = RequestClock.fixed("2025-01-31")
        val w = RequestWizard(vault, "en", clock)
        var v = w.view()
        assertEquals("jurisdiction" to "Step 1 of 7", v.step to v.progress)
        val f = v.fields[0]
        assertEquals(listOf("jurisdiction", FieldKind.CHOICE, true, 6), listOf(f.id, f.kind, f.required, f.choices.size))
        v = w.handle(WizardEvent.Next)
        assertEquals("jurisdiction" to "is required", v.step to v.fields[0].error)
        w.handle(WizardEvent.Choose("jurisdiction", "EU"))
        assertEquals("provider", w.handle(WizardEvent.Next).step)
        w.handle(WizardEvent.SetText("provider.name", "Klinikum Beispiel"))
        w.handle(WizardEvent.SetText("provider.email", "records@example.org"))
        assertEquals("patient", w.handle(WizardEvent.Next).step)
        w.handle(WizardEvent.SetText("patient.name", "Erika Testperson"))
        w.handle(WizardEvent.SetText("patient.date_of_birth", "1964-08-12"))
        w.handle(WizardEvent.SetText("patient.email", "erika@example.net"))
        assertEquals("studies", w.handle(WizardEvent.Next).step)
        w.handle(WizardEvent.SetToggle("studies.all", true))
        assertEquals("format", w.handle(WizardEvent.Next).step)
        w.handle(WizardEvent.Choose("format", "dicom-download"))
        assertEquals("delivery", w.handle(WizardEvent.Next).step)
        w.handle(WizardEvent.Choose("deliver_to", "patient"))
        v = w.handle(WizardEvent.Next)
        assertEquals("review", v.step)
        assertTrue(v.review.any { it.label == "Law" && it.value == "European Union (GDPR)" })
        v = w.handle(WizardEvent.Generate)
        assertEquals("done" to true, v.step to v.finished)
        val id = v.requestId!!
        assertEquals("%PDF", String(w.letterPdf().copyOfRange(0, 4)))

        val screen = RequestsScreen(vault, "en", clock)
        var it = screen.view().items[0]
        assertEquals(listOf(id, RequestState.READY, NextKind.SEND), listOf(it.id, it.state, it.next))
        it = screen.handle(RequestsEvent.MarkSent(id, null, null)).items[0]
        assertEquals(
            listOf(RequestState.SENT, "Sent on 31 January 2025", "Due on 28 February 2025", "2025-02-28", NextKind.WAIT),
            listOf(it.state, it.sent, it.due, it.dueDate, it.next),
        )
        clock.set("2025-03-03")
        it = screen.view().items[0]
        assertEquals(RequestState.OVERDUE to NextKind.FOLLOW_UP, it.state to it.next)
        assertTrue(it.letters.any { l -> l.kind == LetterKind.FOLLOW_UP })
        assertEquals("%PDF", String(screen.letterPdf(id, LetterKind.FOLLOW_UP).copyOfRange(0, 4)))
        assertEquals(NextKind.AWAIT_FOLLOW_UP, screen.view().items[0].next)
        dir.deleteRecursively()
    }

    @Test
    fun test13_firstImageAtTheViewsSize() {
        Vault.create(File(tmp, "first-image").path, MemoryKeyStore()).use { v ->
            val added = CancelHandle().use {
                v.importFrom(listOf(path("pylibjpeg-data", "JPEGExtended_3s_1f_u_08_08.dcm")), null, it)
            }
            assertEquals(1u, added.instancesAdded)
            val series = v.series(v.studies().first().id).first().id
            // the viewer: 768 x 576 lossy JPEG, a 300 x 300 view: half of each side first
            v.openViewer(series).use { viewer ->
                val first = viewer.renderForView(0u, Window.Default, 300u, 300u)
                assertTrue("a first image at the view's size", first.reduced)
                assertEquals(listOf(384u, 288u), listOf(first.width, first.height))
                assertEquals(384 * 288 * 4, first.rgba.size)
                val full = viewer.render(0u, Window.Default)
                assertEquals(listOf<Any>(false, 768u, 576u), listOf<Any>(full.reduced, full.width, full.height))
                val again = viewer.renderForView(0u, Window.Default, 300u, 300u)
                assertEquals(listOf<Any>(false, sha(full)), listOf<Any>(again.reduced, sha(again)))
                // the viewer screen the apps use: the same, at the screen's window
                ViewerScreen(v, series, "en").use { screen ->
                    val f = screen.renderForView(300u, 300u)
                    assertEquals(listOf<Any>(true, 384u, 288u), listOf<Any>(f.reduced, f.width, f.height))
                    val whole = screen.render()
                    assertEquals(listOf<Any>(false, 768u, 576u), listOf<Any>(whole.reduced, whole.width, whole.height))
                    assertEquals(sha(full), sha(whole))
                    val next = screen.renderForView(300u, 300u)
                    assertEquals(listOf<Any>(false, sha(full)), listOf<Any>(next.reduced, sha(next)))
                }
            }
        }
    }
}
