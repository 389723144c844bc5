"""The bindings scenario (tests/bindings/SCENARIO.md) in Python, through the generated module."""

import asyncio
import hashlib
import os
import shutil
import tempfile
import threading
import unittest

import scanpass_ffi as sp

SAMPLES = os.environ["SCANPASS_SAMPLES"]
SLICE = int(os.environ.get("SCANPASS_SLICE", "96"))
EXPECT_DEFAULT = os.environ["SCANPASS_EXPECT_DEFAULT"]
EXPECT_CUSTOM = os.environ["SCANPASS_EXPECT_CUSTOM"]


class MemoryKeyStore(sp.KeyStore):
    """A key store written in Python: what an app's platform store does, kept in memory."""

    def __init__(self):
        self.keys = {}
        self.calls = []
        self.lock = threading.Lock()

    def load(self, vault_id):
        with self.lock:
            self.calls.append("load")
            return self.keys.get(vault_id)

    def store(self, vault_id, key):
        with self.lock:
            self.calls.append("store")
            self.keys[vault_id] = bytes(key)

    def delete(self, vault_id):
        with self.lock:
            self.keys.pop(vault_id, None)


class OtherKeyStore(sp.KeyStore):
    def load(self, vault_id):
        return bytes(range(32))

    def store(self, vault_id, key):
        pass

    def delete(self, vault_id):
        pass


class RefusingKeyStore(sp.KeyStore):
    def load(self, vault_id):
        raise sp.KeyStoreError.WrongSecret()

    def store(self, vault_id, key):
        raise sp.KeyStoreError.Unavailable("read-only")

    def delete(self, vault_id):
        pass


class ThrowingListener(sp.ImportListener):
    """A listener that fails on every event, as a UI listener touching a view off its thread."""

    def __init__(self):
        self.calls = 0

    def on_event(self, event):
        self.calls += 1
        raise RuntimeError("listener broke")


class Recorder(sp.ImportListener):
    def __init__(self, cancel=None, cancel_after=None):
        self.events = []
        self.cancel = cancel
        self.cancel_after = cancel_after

    def on_event(self, event):
        self.events.append(event)
        if (
            self.cancel is not None
            and event.is_PROCESSED()
            and event.done >= self.cancel_after
        ):
            self.cancel.cancel()


class ShareProgress(sp.ShareListener):
    def __init__(self):
        self.calls = []

    def on_progress(self, done, files, bytes_sent):
        self.calls.append((done, files, bytes_sent))


class ViewRecorder(sp.ImportViewListener):
    def __init__(self):
        self.views = []

    def on_view(self, view):
        self.views.append(view)


class ChangeRecorder(sp.VaultListener):
    """Records the revisions the vault announces (from the thread that made the change)."""

    def __init__(self):
        self.revisions = []
        self.lock = threading.Lock()

    def on_change(self, revision):
        with self.lock:
            self.revisions.append(revision)


def sha(slice_):
    return hashlib.sha256(slice_.rgba).hexdigest()


class Scenario(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="scanpass-py-")
        cls.store = MemoryKeyStore()
        cls.vault = sp.Vault.create(os.path.join(cls.tmp, "vault"), cls.store)
        cls.rec = Recorder()
        cls.summary = cls.vault.import_from(
            [sp.ImportSource.PATH(os.path.join(SAMPLES, "SAG-anon"))],
            cls.rec,
            sp.CancelHandle(),
        )
        studies = [s for s in cls.vault.studies() if s.instance_count == 192]
        cls.study = studies[0]
        cls.series = cls.vault.series(cls.study.id)[0]
        cls.viewer = cls.vault.open_viewer(cls.series.id)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_1_key_store_in_python_keeps_the_vault_key(self):
        self.assertEqual(list(self.store.keys), [self.vault.id()])
        self.assertEqual(len(self.store.keys[self.vault.id()]), 32)
        self.assertIn("store", self.store.calls)

    def test_2_lock_unlock_and_wrong_keys(self):
        v = sp.Vault.create(os.path.join(self.tmp, "v2"), MemoryKeyStore())
        store = MemoryKeyStore()
        v = sp.Vault.create(os.path.join(self.tmp, "v3"), store)
        v.lock()
        self.assertFalse(v.is_unlocked())
        with self.assertRaises(sp.ScanpassError.Locked):
            v.studies()
        v.unlock(store)
        self.assertTrue(v.is_unlocked())
        v.lock()
        with self.assertRaises(sp.ScanpassError.WrongKey) as e:
            v.unlock(OtherKeyStore())
        self.assertIn("passphrase", str(e.exception))
        with self.assertRaises(sp.ScanpassError.WrongKey):
            v.unlock(RefusingKeyStore())
        with self.assertRaises(sp.ScanpassError.KeyStore):
            sp.Vault.create(os.path.join(self.tmp, "v4"), RefusingKeyStore())
        self.assertFalse(v.is_unlocked())
        with self.assertRaises(sp.ScanpassError.VaultExists):
            sp.Vault.create(os.path.join(self.tmp, "v3"), MemoryKeyStore())

    def test_3_import_reports_progress_through_a_python_listener(self):
        s = self.summary
        self.assertEqual((s.instances_added, s.skipped, s.errors), (192, 2, []))
        self.assertFalse(s.cancelled)
        self.assertEqual(s.patients, 1)
        ev = self.rec.events
        self.assertTrue(ev[0].is_FOUND(), ev[0])
        self.assertEqual(ev[0].files, 194)
        done = [e.done for e in ev if e.is_PROCESSED()]
        self.assertEqual(done, list(range(1, 195)))

    def test_4_cancel_half_way(self):
        v = sp.Vault.create(os.path.join(self.tmp, "cancel"), MemoryKeyStore())
        cancel = sp.CancelHandle()
        rec = Recorder(cancel, 30)
        s = v.import_from(
            [sp.ImportSource.PATH(os.path.join(SAMPLES, "pydicom"))], rec, cancel
        )
        self.assertTrue(s.cancelled)
        self.assertTrue(cancel.is_cancelled())
        found = rec.events[0].files
        self.assertEqual(found, 137)
        done = max(e.done for e in rec.events if e.is_PROCESSED())
        self.assertGreaterEqual(done, 30)
        self.assertLess(done, found)

    def test_5_library_lists_patients_studies_series_and_thumbnails(self):
        patients = self.vault.patients()
        self.assertEqual(len(patients), 1)
        self.assertEqual(patients[0].study_count, 1)
        self.assertEqual(
            [s.id for s in self.vault.studies_of(patients[0].id)], [self.study.id]
        )
        self.assertEqual(self.study.modalities, ["MR"])
        self.assertEqual(self.series.instance_count, 192)
        self.assertEqual(self.series.modality, "MR")
        png = self.vault.thumbnail(self.series.id)
        self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
        screen = sp.LibraryScreen(self.vault, "fr-CA")
        v = screen.view()
        self.assertEqual(v.revision, self.vault.revision())
        self.assertEqual([(p.name, p.summary) for p in v.patients], [("ANONYMIZED", "1 examen")])
        s = v.patients[0].studies[0]
        self.assertEqual(
            (s.id, s.title, s.kinds, s.date, s.counts),
            (self.study.id, "MR-Brain w/o Contrast", "IRM", "8 mars 2013", "1 série · 192 images"),
        )
        v = screen.handle(sp.LibraryEvent.SEARCH("xyz"))
        self.assertEqual((v.patients, v.empty), ([], "Rien ne correspond à « xyz »."))
        screen.handle(sp.LibraryEvent.SEARCH(""))
        v = screen.handle(sp.LibraryEvent.ASK_DELETE(self.study.id))
        self.assertEqual(v.confirm.title, "Supprimer cet examen ?")
        self.assertTrue(v.confirm.destructive)
        self.assertIsNone(screen.handle(sp.LibraryEvent.CANCEL_DELETE()).confirm)

    def test_5b_the_vault_tells_a_listener_of_its_changes(self):
        v = sp.Vault.create(os.path.join(self.tmp, "watched"), MemoryKeyStore())
        rec = ChangeRecorder()
        watch = v.watch(rec)
        v.import_from(
            [sp.ImportSource.PATH(os.path.join(SAMPLES, "pydicom", "CT_small.dcm"))],
            None,
            sp.CancelHandle(),
        )
        self.assertTrue(rec.revisions, "the import was announced")
        self.assertEqual(rec.revisions, sorted(set(rec.revisions)))
        self.assertEqual(rec.revisions[-1], v.revision())
        watch.stop()
        before = (len(rec.revisions), v.revision())
        v.delete_study(v.studies()[0].id)
        self.assertGreater(v.revision(), before[1])
        self.assertEqual(len(rec.revisions), before[0], "nothing after stop()")

    def test_6_render_matches_the_rust_side(self):
        v = self.viewer
        self.assertEqual(v.slice_count(), 192)
        g = v.geometry()
        self.assertEqual((g.rows, g.cols), (256, 256))
        s = v.render(SLICE, sp.Window.DEFAULT())
        self.assertEqual((s.width, s.height), (256, 256))
        self.assertIsInstance(s.rgba, bytes)
        self.assertEqual(len(s.rgba), 256 * 256 * 4)
        self.assertEqual(set(s.rgba[3::4]), {255})
        self.assertEqual(sha(s), EXPECT_DEFAULT)
        self.assertTrue(s.windowed)
        c = v.render(SLICE, sp.Window.CUSTOM(center=300.0, width=600.0))
        self.assertEqual((c.window_center, c.window_width), (300.0, 600.0))
        self.assertEqual(sha(c), EXPECT_CUSTOM)
        a = asyncio.run(v.render_async(SLICE, sp.Window.DEFAULT()))
        self.assertEqual(sha(a), EXPECT_DEFAULT)
        self.assertEqual((a.window_center, a.window_width), (s.window_center, s.window_width))

    def test_7_typed_errors(self):
        store = MemoryKeyStore()
        v = sp.Vault.create(os.path.join(self.tmp, "errors"), store)
        pyd = os.path.join(SAMPLES, "pydicom")
        s = v.import_from(
            [
                sp.ImportSource.PATH(os.path.join(pyd, "waveform_ecg.dcm")),
                sp.ImportSource.PATH(os.path.join(pyd, "MR_truncated.dcm")),
            ],
            None,
            sp.CancelHandle(),
        )
        self.assertEqual(s.instances_added, 2)
        by_modality = {}
        for st in v.studies():
            for se in v.series(st.id):
                by_modality[se.modality] = se
        with self.assertRaises(sp.ScanpassError.NoImage):
            v.open_viewer(by_modality["ECG"].id)
        mr = v.open_viewer(by_modality["MR"].id)
        with self.assertRaises(sp.ScanpassError.Damaged) as e:
            mr.render(0, sp.Window.DEFAULT())
        self.assertNotIn("MR1", str(e.exception))
        with self.assertRaises(sp.ScanpassError.InvalidInput):
            self.viewer.render(192, sp.Window.DEFAULT())
        with self.assertRaises(sp.ScanpassError.InvalidInput):
            self.viewer.render(0, sp.Window.CUSTOM(center=0.0, width=0.0))
        with self.assertRaises(sp.ScanpassError.InvalidInput):
            self.viewer.render(0, sp.Window.CUSTOM(center=0.0, width=float("inf")))
        with self.assertRaises(sp.ScanpassError.CannotRead):
            v.import_from(
                [sp.ImportSource.PATH(os.path.join(self.tmp, "no-such-cd"))],
                None,
                sp.CancelHandle(),
            )
        # a listener that throws does not stop the import
        broken = ThrowingListener()
        s = v.import_from(
            [sp.ImportSource.PATH(os.path.join(pyd, "CT_small.dcm"))],
            broken,
            sp.CancelHandle(),
        )
        self.assertEqual(s.instances_added, 1)
        self.assertGreater(broken.calls, 1)
        v.lock()
        with self.assertRaises(sp.ScanpassError.Locked) as raised:
            mr.render(0, sp.Window.DEFAULT())
        self.assertEqual(
            raised.exception.reason, "Your images are locked. Unlock Scanpass to continue."
        )
        # a screen's errors are in the screen's language
        with self.assertRaises(sp.ScanpassError.Locked) as raised:
            sp.LibraryScreen(v, "fr-CA").view()
        self.assertEqual(
            raised.exception.reason,
            "Vos images sont verrouillées. Déverrouillez Scanpass pour continuer.",
        )


    @unittest.skipUnless(os.environ.get("SCANPASS_RELAY"), "SCANPASS_RELAY (a running relay) not set")
    def test_8_share_receive_revoke_through_a_relay(self):
        relay = os.environ["SCANPASS_RELAY"]
        progress = ShareProgress()
        req = sp.ShareRequest(
            study_id=self.study.id, series_ids=[], relay=relay, expires_in_days=1,
            max_downloads=None, passcode="blue harbour seven lanterns", deidentify=None,
        )
        self.assertIsNone(self.vault.share_warning(self.study.id, []))
        done = self.vault.share(req, progress, sp.CancelHandle())
        self.assertEqual(done.share.status, sp.ShareStatus.ACTIVE)
        self.assertFalse(done.resumed)
        self.assertEqual(done.share.other_study_ids, [])  # the request's default: one study
        self.assertEqual(done.share.files, 194)  # 192 images, README.TXT, DICOMDIR
        self.assertEqual(progress.calls[-1][:2], (192, 192))
        self.assertTrue(sp.link_needs_passcode(done.share.link))
        self.assertIn("too easy to guess", sp.passcode_problem("blue harbour"))
        self.assertIsNone(sp.passcode_problem("blue harbour seven lanterns"))
        self.assertTrue(sp.link_qr_png(done.share.link, 4).startswith(b"\x89PNG"))
        other = sp.Vault.create(os.path.join(self.tmp, "receiver"), MemoryKeyStore())
        with self.assertRaises(sp.ScanpassError.PasscodeNeeded):
            other.receive(done.share.link, None, None, sp.CancelHandle())
        with self.assertRaises(sp.ScanpassError.WrongPasscode):
            other.receive(done.share.link, "red harbour seven lanterns", None, sp.CancelHandle())
        got = other.receive(done.share.link, "blue harbour seven lanterns", None, sp.CancelHandle())
        self.assertEqual((got.summary.instances_added, got.summary.errors), (192, []))
        study = other.studies()[0]
        series = other.series(study.id)[0]
        rendered = other.open_viewer(series.id).render(SLICE, sp.Window.DEFAULT())
        self.assertEqual(sha(rendered), EXPECT_DEFAULT)
        events = [e.event for e in self.vault.share_access_log(done.share.id)]
        self.assertIn("manifest", events)
        self.assertIn("denied", events)
        self.assertEqual(self.vault.revoke_share(done.share.id).status, sp.ShareStatus.REVOKED)
        self.assertEqual([s.status for s in self.vault.shares()], [sp.ShareStatus.REVOKED])
        with self.assertRaises(sp.ScanpassError.ShareGone):
            other.receive(done.share.link, "blue harbour seven lanterns", None, sp.CancelHandle())

    def test_11_request_wizard_to_a_letter_then_the_follow_up(self):
        vault = sp.Vault.create(os.path.join(self.tmp, "requests"), MemoryKeyStore())
        clock = sp.RequestClock.fixed("2025-01-31")
        w = sp.RequestWizard(vault, "en", clock)
        ev = sp.WizardEvent
        v = w.view()
        self.assertEqual((v.step, v.progress), ("jurisdiction", "Step 1 of 7"))
        f = v.fields[0]
        self.assertEqual((f.id, f.kind, f.required, len(f.choices)), ("jurisdiction", sp.FieldKind.CHOICE, True, 6))
        v = w.handle(ev.NEXT())
        self.assertEqual((v.step, v.fields[0].error), ("jurisdiction", "is required"))
        w.handle(ev.CHOOSE(field="jurisdiction", code="EU"))
        self.assertEqual(w.handle(ev.NEXT()).step, "provider")
        w.handle(ev.SET_TEXT(field="provider.name", value="Klinikum Beispiel"))
        w.handle(ev.SET_TEXT(field="provider.email", value="records@example.org"))
        self.assertEqual(w.handle(ev.NEXT()).step, "patient")
        w.handle(ev.SET_TEXT(field="patient.name", value="Erika Testperson"))
        w.handle(ev.SET_TEXT(field="patient.date_of_birth", value="1964-08-12"))
        w.handle(ev.SET_TEXT(field="patient.email", value="erika@example.net"))
        self.assertEqual(w.handle(ev.NEXT()).step, "studies")
        w.handle(ev.SET_TOGGLE(field="studies.all", on=True))
        self.assertEqual(w.handle(ev.NEXT()).step, "format")
        w.handle(ev.CHOOSE(field="format", code="dicom-download"))
        self.assertEqual(w.handle(ev.NEXT()).step, "delivery")
        w.handle(ev.CHOOSE(field="deliver_to", code="patient"))
        v = w.handle(ev.NEXT())
        self.assertEqual(v.step, "review")
        self.assertIn(("Law", "European Union (GDPR)"), [(r.label, r.value) for r in v.review])
        v = w.handle(ev.GENERATE())
        self.assertEqual((v.step, v.finished), ("done", True))
        rid = v.request_id
        self.assertEqual(w.letter_pdf()[:4], b"%PDF")

        screen = sp.RequestsScreen(vault, "en", clock)
        it = screen.view().items[0]
        self.assertEqual((it.id, it.state, it.next), (rid, sp.RequestState.READY, sp.NextKind.SEND))
        it = screen.handle(sp.RequestsEvent.MARK_SENT(id=rid, on=None, channel=None)).items[0]
        self.assertEqual(
            (it.state, it.sent, it.due, it.due_date, it.next),
            (sp.RequestState.SENT, "Sent on 31 January 2025", "Due on 28 February 2025", "2025-02-28", sp.NextKind.WAIT),
        )
        clock.set("2025-03-03")
        it = screen.view().items[0]
        self.assertEqual((it.state, it.next), (sp.RequestState.OVERDUE, sp.NextKind.FOLLOW_UP))
        self.assertIn(sp.LetterKind.FOLLOW_UP, [l.kind for l in it.letters])
        self.assertEqual(screen.letter_pdf(rid, sp.LetterKind.FOLLOW_UP)[:4], b"%PDF")
        self.assertEqual(screen.view().items[0].next, sp.NextKind.AWAIT_FOLLOW_UP)

    def test_9_viewer_screen(self):
        # the library opens a study: the core picks its series
        by_study = sp.ViewerScreen.for_study(self.vault, self.study.id, "fr-CA")
        self.assertEqual(by_study.view().series_id, self.series.id)
        with self.assertRaises(sp.ScanpassError.NotFound):
            sp.ViewerScreen.for_study(self.vault, self.series.id, "fr-CA")
        screen = sp.ViewerScreen(self.vault, self.series.id, "fr-CA")
        v = screen.view()
        self.assertEqual((v.slice, v.slice_count, v.slice_text), (0, 192, "Coupe 1 sur 192"))
        self.assertEqual(
            [(i.id, i.count, i.selected) for i in v.strip], [(self.series.id, "192 images", True)]
        )
        self.assertEqual([p.id for p in v.presets], ["default", "auto"])
        o = v.orientation
        self.assertEqual((o.top, o.right, o.bottom, o.left), ("H", "P", "F", "A"))
        ov = v.overlay
        self.assertEqual(
            (ov.patient, ov.study_date, ov.series),
            ("ANONYMIZED", "8 mars 2013", "SAG MPRAGE 220 FOV"),
        )
        screen.handle(sp.ViewerEvent.RESIZE(width=400.0, height=768.0))
        v = screen.handle(sp.ViewerEvent.SCROLL(dy_px=384.0))
        self.assertEqual((v.slice, v.slice_text), (96, "Coupe 97 sur 192"))
        self.assertEqual(v.prefetch[:2], [97, 95])
        w = v.window
        self.assertEqual((w.center, w.width, w.text), (274.0, 612.0, "L 612 · C 274"))
        self.assertEqual(
            [(t.tool, t.label, t.selected) for t in v.tools],
            [
                (sp.ViewerTool.SCROLL, "Défiler", True),
                (sp.ViewerTool.WINDOW, "Fenêtre", False),
                (sp.ViewerTool.MEASURE, "Mesurer", False),
            ],
        )
        v = screen.handle(sp.ViewerEvent.SELECT_TOOL(tool=sp.ViewerTool.WINDOW))
        self.assertEqual(v.tool, sp.ViewerTool.WINDOW)
        v = screen.handle(sp.ViewerEvent.WINDOW_DRAG(dx=40.0, dy=-10.0))
        w = v.window
        self.assertAlmostEqual(w.center, 205.75, places=9)
        self.assertAlmostEqual(w.width, 885.0, places=9)
        self.assertEqual((w.text, w.source), ("L 885 · C 206", "Personnalisée"))
        r = screen.render()
        self.assertEqual((r.width, r.height, len(r.rgba)), (256, 256, 256 * 256 * 4))
        self.assertTrue(r.windowed)
        self.assertAlmostEqual(r.window_center, 205.75, places=9)
        v = screen.handle(
            sp.ViewerEvent.MEASURE(start=sp.ViewerPoint(x=10.0, y=10.0), end=sp.ViewerPoint(x=110.0, y=10.0))
        )
        m = v.measurement
        self.assertEqual((m.text, m.calibration), ("85,9 mm", sp.ViewerCalibration.PIXEL_SPACING))
        self.assertAlmostEqual(m.length_mm, 85.9375, places=9)
        self.assertEqual(screen.handle(sp.ViewerEvent.SET_RATE(fps=500.0)).cine.fps, 60.0)
        with self.assertRaises(sp.ScanpassError.InvalidInput):
            screen.handle(sp.ViewerEvent.GO_TO(slice=192))
        self.assertEqual(screen.view().slice, 96)
        self.assertIsNone(screen.handle(sp.ViewerEvent.HIDE_NAME(hidden=True)).overlay.patient)

    def test_10_start_and_appointment_mode(self):
        good = "copper lantern orbit meadow"
        start = sp.StartScreen(os.path.join(self.tmp, "start"), None, "en")
        v = start.view()
        self.assertEqual((v.stage, v.show_library), (sp.StartStage.CREATE, False))
        with self.assertRaises(sp.ScanpassError.Invalid) as e:
            start.handle(sp.StartEvent.CREATE("blue harbour", "blue harbour"))
        self.assertEqual([f.field for f in e.exception.fields], ["passphrase"])
        self.assertIn("too easy to guess", e.exception.fields[0].message)
        self.assertIsNone(start.vault())
        v = start.handle(sp.StartEvent.CREATE(good, good))
        self.assertEqual((v.stage, v.show_library), (sp.StartStage.UNLOCKED, True))
        vault = start.vault()
        vault.import_from(
            [sp.ImportSource.PATH(os.path.join(SAMPLES, "pydicom", "CT_small.dcm"))],
            None,
            sp.CancelHandle(),
        )
        study = vault.studies()[0].id
        mode = sp.AppointmentMode(vault, None, "en")
        v = mode.handle(sp.AppointmentEvent.ENTER(study, None, True))
        self.assertTrue(v.active)
        self.assertEqual(v.pinned_study_id, study)
        self.assertFalse(v.show_navigation)
        self.assertTrue(v.block_screenshots)
        self.assertTrue(v.hide_patient_name)
        self.assertFalse(v.links_may_open or mode.may_open_link())
        v = mode.handle(sp.AppointmentEvent.LEAVE())
        self.assertEqual(
            v.effect,
            sp.AppointmentEffect.ASK_PASSPHRASE("Enter your passphrase to leave appointment mode"),
        )
        v = mode.handle(sp.AppointmentEvent.PASSPHRASE("wrong horse"))
        self.assertTrue(v.active and v.block_screenshots)
        self.assertEqual((v.attempts_left, v.feedback), (4, "That passphrase is not the right one."))
        self.assertEqual(v.attempts_left_text, "4 tries left before Scanpass locks")
        v = mode.handle(sp.AppointmentEvent.PASSPHRASE(good))
        self.assertFalse(v.active or v.block_screenshots)
        self.assertTrue(v.show_navigation and v.links_may_open)
        v = start.handle(sp.StartEvent.LOCK())
        self.assertEqual((v.stage, v.show_library), (sp.StartStage.UNLOCK, False))
        v = start.handle(sp.StartEvent.UNLOCK("wrong horse"))
        self.assertEqual((v.stage, v.attempts_left), (sp.StartStage.UNLOCK, 4))
        self.assertEqual(v.attempts_left_text, "4 tries left")
        v = start.handle(sp.StartEvent.UNLOCK(good))
        self.assertEqual((v.stage, v.show_library), (sp.StartStage.UNLOCKED, True))

    def test_14_fingerprint_or_face_unlock_is_the_patients_choice(self):
        good = "copper lantern orbit meadow"
        folder = os.path.join(self.tmp, "device-unlock")
        device = MemoryKeyStore()
        start = sp.StartScreen(folder, device, "en")
        start.handle(sp.StartEvent.CREATE(good, good))
        self.assertEqual(device.keys, {}, "off by default: the passphrase only")
        vault = start.vault()
        settings = sp.SettingsScreen.with_device_unlock(folder, "en", vault, device)
        t = settings.view().device_unlock
        self.assertEqual((t.on, t.enabled), (False, False))
        t = settings.handle(sp.SettingsEvent.DEVICE_BIOMETRICS(sp.Biometrics.NOT_ENROLLED)).device_unlock
        self.assertEqual(t.note, "Add a fingerprint or face in your phone's settings first.")
        with self.assertRaises(sp.ScanpassError):
            settings.handle(sp.SettingsEvent.SET_DEVICE_UNLOCK(True))
        settings.handle(sp.SettingsEvent.DEVICE_BIOMETRICS(sp.Biometrics.READY))
        t = settings.handle(sp.SettingsEvent.SET_DEVICE_UNLOCK(True)).device_unlock
        self.assertEqual((t.label, t.on), ("Unlock with fingerprint or face", True))
        self.assertEqual(list(device.keys), [vault.id()])
        self.assertTrue(sp.device_unlock_chosen(folder))
        v = start.handle(sp.StartEvent.LOCK())
        self.assertIsNone(v.device_label, "until the app says the device can")
        v = start.handle(sp.StartEvent.DEVICE_BIOMETRICS(sp.Biometrics.READY))
        self.assertEqual(v.device_label, "Unlock with fingerprint or face")
        v = start.handle(sp.StartEvent.UNLOCK_WITH_DEVICE())
        self.assertEqual((v.stage, v.show_library), (sp.StartStage.UNLOCKED, True))
        t = settings.handle(sp.SettingsEvent.SET_DEVICE_UNLOCK(False)).device_unlock
        self.assertFalse(t.on)
        self.assertEqual(device.keys, {}, "off: only the passphrase opens")
        self.assertFalse(sp.device_unlock_chosen(folder))
        v = start.handle(sp.StartEvent.LOCK())
        self.assertIsNone(v.device_label)
        self.assertEqual(
            (sp.common_words("fr").biometric_title, sp.common_words("en").biometric_cancel),
            ("Confirmez que c'est vous", "Cancel"),
        )

    def test_12_share_and_receive_screens(self):
        relay = os.environ["SCANPASS_RELAY"]
        viewer = "https://view.example/test/0.1.0/"
        passcode = "blue harbour seven lanterns"
        vault = sp.Vault.create(os.path.join(self.tmp, "v12"), MemoryKeyStore())
        seen = ViewRecorder()
        end = sp.ImportScreen(vault, "en").start(
            [sp.ImportSource.PATH(os.path.join(SAMPLES, "SAG-anon"))], seen
        )
        self.assertEqual(end.result.lines, [
            "192 images added",
            "2 files were not images (viewer programs or web pages on the disc, for example)",
        ])
        self.assertIsNone(end.result.warning)
        self.assertIn("0 of 194 files", [v.progress.files_text for v in seen.views if v.progress])
        study = vault.studies()[0]

        screen = sp.ShareScreen(vault, "en", relay, study.id, viewer)
        screen.handle(sp.ShareScreenEvent.SET_PASSCODE("blue harbour"))
        v = screen.share(None)
        self.assertIsNone(v.result)
        self.assertEqual([e.field for e in v.form.errors], ["passcode"])
        self.assertTrue(v.form.errors[0].message.startswith("This passcode is too easy to guess"))
        screen.handle(sp.ShareScreenEvent.SET_PASSCODE(passcode))
        v = screen.handle(sp.ShareScreenEvent.SET_EXPIRY_DAYS(1))
        self.assertEqual(v.form.errors, [])
        v = screen.share(None)
        self.assertIsNone(v.error)
        done = v.result
        self.assertTrue(done.link.startswith(viewer))
        self.assertTrue(done.qr_png.startswith(b"\x89PNG"))
        self.assertIn(done.link, done.message)
        self.assertNotIn(passcode, done.message)
        self.assertEqual(
            done.passcode_message,
            "The passcode for the medical images I sent you: blue harbour seven lanterns",
        )

        other = sp.Vault.create(os.path.join(self.tmp, "v12-receiver"), MemoryKeyStore())
        rx = sp.ReceiveScreen(other, "en")
        v = rx.handle(sp.ReceiveScreenEvent.SET_LINK("see you tomorrow"))
        self.assertEqual(v.link_error, "This is not a Scanpass link, or it was cut when copied. "
                         "Copy the whole link again.")
        v = rx.handle(sp.ReceiveScreenEvent.SET_LINK(done.link))
        self.assertIsNone(v.link_error)
        self.assertIsNone(v.passcode.error)
        v = rx.receive("red harbour seven lanterns", None)
        self.assertIsNone(v.result)
        self.assertTrue(v.passcode.error.startswith("That passcode does not open these images."))
        v = rx.receive(passcode, None)
        self.assertEqual(v.result.lines, ["192 images added"])

        mine = sp.MySharesScreen(vault, "en")
        m = mine.handle(sp.MySharesEvent.REFRESH())
        self.assertEqual(len(m.shares), 1)
        self.assertTrue(m.shares[0].access.startswith("Opened once, on "))
        self.assertTrue(m.shares[0].access.endswith("1 wrong passcode was tried"))
        m = mine.handle(sp.MySharesEvent.ASK_REVOKE(m.shares[0].id))
        self.assertEqual(m.confirm.title, "Revoke this link?")
        m = mine.handle(sp.MySharesEvent.CONFIRM_REVOKE())
        self.assertEqual(m.shares[0].status, sp.ShareStatus.REVOKED)
        self.assertEqual(m.shares[0].state, "Revoked: the link no longer opens anything")
        rx.handle(sp.ReceiveScreenEvent.SET_LINK(done.link))
        v = rx.receive(passcode, None)
        self.assertTrue(v.error.startswith("This link no longer opens anything"))

    def test_13_first_image_at_the_views_size(self):
        v = sp.Vault.create(os.path.join(self.tmp, "first-image"), MemoryKeyStore())
        f = os.path.join(SAMPLES, "pylibjpeg-data", "JPEGExtended_3s_1f_u_08_08.dcm")
        self.assertEqual(v.import_from([sp.ImportSource.PATH(f)], None, sp.CancelHandle()).instances_added, 1)
        series = v.series(v.studies()[0].id)[0].id
        # the viewer: 768 x 576 lossy JPEG, a 300 x 300 view: half of each side first
        viewer = v.open_viewer(series)
        first = viewer.render_for_view(0, sp.Window.DEFAULT(), 300, 300)
        self.assertTrue(first.reduced)
        self.assertEqual((first.width, first.height, len(first.rgba)), (384, 288, 384 * 288 * 4))
        full = viewer.render(0, sp.Window.DEFAULT())
        self.assertFalse(full.reduced)
        self.assertEqual((full.width, full.height), (768, 576))
        again = viewer.render_for_view(0, sp.Window.DEFAULT(), 300, 300)
        self.assertEqual((again.reduced, sha(again)), (False, sha(full)))
        # the viewer screen the apps use: the same, at the screen's window
        screen = sp.ViewerScreen(v, series, "en")
        first = screen.render_for_view(300, 300)
        self.assertEqual((first.reduced, first.width, first.height), (True, 384, 288))
        full = screen.render()
        self.assertEqual((full.reduced, full.width, full.height), (False, 768, 576))
        self.assertEqual(sha(full), sha(viewer.render(0, sp.Window.DEFAULT())))
        again = screen.render_for_view(300, 300)
        self.assertEqual((again.reduced, sha(again)), (False, sha(full)))
        # a view as large as the image: whole at once
        whole = sp.ViewerScreen(v, series, "en").render_for_view(2000, 2000)
        self.assertEqual((whole.reduced, whole.width), (False, 768))


if __name__ == "__main__":
    unittest.main(verbosity=2)
