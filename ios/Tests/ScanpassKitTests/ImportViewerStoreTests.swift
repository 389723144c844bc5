// ImportStore and ViewerStore against the real core and the real SAG-anon series: the import's
// progress and summary in words, its cancellation, a refused link; the viewer's scroll, window
// drag and measurement as the core computes them, and its slice as the bytes Core Graphics reads.

import Foundation
import Observation
import Scanpass
import Testing
@testable import ScanpassKit

@MainActor
@Suite("ImportStore over the core's ImportScreen")
struct ImportStoreTests {
    @Test("the sources offered and what each asks of the app")
    func choices() async throws {
        let t = try TestVault("import-choices")
        let store = ImportStore(vault: t.vault, locale: "en")
        await store.load()
        let view = try #require(store.view)
        #expect(!view.title.isEmpty)
        #expect(view.choices.map(\.kind) == [.folder, .zip, .files, .link])
        #expect(view.choices.first?.effect == .pickFolder)
        #expect(view.choices.last?.effect == .askLink)
        #expect(view.progress == nil && view.result == nil)
    }

    @Test("a real CD folder: progress in words, then the summary", .enabled(if: Env.hasSamples, "no ../shared/dicom-samples/SAG-anon"))
    func importFolder() async throws {
        let t = try TestVault("import-folder")
        let store = ImportStore(vault: t.vault, locale: "en")
        await store.load()
        // what the main actor sees while the import runs: the published progress views
        let run = Task { await store.importPicked(PickedFiles([Env.sagAnon])) }
        var progress: [String] = []
        var fractions: [Float] = []
        try await eventually("the import starts") { store.running }
        while store.running {
            if let p = store.view?.progress, progress.last != p.filesText {
                progress.append(p.filesText)
                if let f = p.fraction { fractions.append(f) }
            }
            try await Task.sleep(for: .milliseconds(2))
        }
        await run.value
        #expect(!store.running)
        let result = try #require(store.view?.result)
        #expect(result.lines == [
            "192 images added",
            "2 files were not images (viewer programs or web pages on the disc, for example)",
        ])
        #expect(result.imagesAdded == 192)
        #expect(!result.cancelled)
        #expect(store.view?.progress == nil)
        #expect(!progress.isEmpty, "progress views reached the main actor")
        #expect(progress.filter { $0.hasSuffix("of 194 files") }.count >= 1, "\(progress)")
        #expect(fractions == fractions.sorted(), "in order: \(fractions)")

        await store.dismiss()
        #expect(store.view?.result == nil)
        #expect(store.view?.choices.isEmpty == false)
    }

    @Test("cancel during a long import: it stops, says so, keeps what it stored", .enabled(if: Env.hasSamples, "no ../shared/dicom-samples/SAG-anon"))
    func cancel() async throws {
        let t = try TestVault("import-cancel")
        let store = ImportStore(vault: t.vault, locale: "en")
        await store.load()
        let run = Task { await store.importPicked(PickedFiles([Env.sagAnon])) }
        try await eventually("the import is under way") { (store.view?.progress?.filesDone ?? 0) > 5 }
        store.cancel()
        await run.value
        let result = try #require(store.view?.result)
        #expect(result.cancelled)
        #expect(result.imagesAdded < 192)
        #expect(try t.vault.studies().count <= 1)
    }

    @Test("a link the core refuses: the form's error, nothing imported")
    func badLink() async throws {
        let t = try TestVault("import-link")
        let store = ImportStore(vault: t.vault, locale: "en")
        await store.load()
        await store.importLink("ftp://example.org/images", token: nil)
        #expect(store.view?.linkForm.error?.isEmpty == false, "\(String(describing: store.view?.linkForm))")
        #expect(store.view?.result == nil)
        #expect(!store.running)
    }

    @Test("a folder that is gone: the core's words, no crash")
    func missingFolder() async throws {
        let t = try TestVault("import-missing")
        let store = ImportStore(vault: t.vault, locale: "en")
        await store.load()
        await store.importPicked(PickedFiles([URL(fileURLWithPath: "/no/such/cd")]))
        let said = store.view?.error ?? store.message?.text
        // the import screen's own sentence (its catalogue, not ScanpassError's)
        #expect(said == "These files could not be read. Check that the disc, stick or folder is still there.", "\(String(describing: said))")
        #expect(!store.running)
    }
}

@MainActor
@Suite("ViewerStore over the core's ViewerScreen")
struct ViewerStoreTests {
    @Test("scroll changes the slice, a drag the window, two points a length in mm; the frame follows", .enabled(if: Env.hasSamples, "no ../shared/dicom-samples/SAG-anon"))
    func journey() async throws {
        let t = try TestVault("viewer")
        try await t.importSagAnon()
        let study = try #require(try t.vault.studies().first)
        let store = ViewerStore()
        await store.open(vault: t.vault, studyId: study.id, locale: "en")
        let first = try #require(store.view)
        #expect(store.message == nil)
        #expect(first.slice == 0 && first.sliceCount == 192)
        #expect(first.sliceText == "Slice 1 of 192")
        #expect(first.overlay.patient == "ANONYMIZED")
        #expect(store.frame == nil, "nothing is rendered before the image area is laid out")

        await store.resize(width: 400, height: 768)
        let frame0 = try #require(store.frame)
        #expect(frame0.slice == 0)
        #expect(frame0.layout.width == 256 && frame0.layout.height == 256)
        await store.scroll(dy: 384)
        #expect(store.view?.slice == 96)
        #expect(store.view?.sliceText == "Slice 97 of 192")
        #expect(store.frame?.slice == 96, "the frame follows the slice")
        #expect(store.frame?.windowCenter == 274)

        // the one-finger tool is the core's: scrolling first, the window chosen
        #expect(store.view?.tool == .scroll)
        #expect(store.view?.tools.map(\.label) == ["Scroll", "Window", "Measure"])
        await store.selectTool(.window)
        #expect(store.view?.tool == .window && store.view?.tools[1].selected == true)
        #expect(store.view?.labels.invert == "Invert" && store.view?.cine.toggleLabel == "Play")
        await store.windowDrag(dx: 40, dy: -10)
        let window = try #require(store.view?.window)
        #expect(abs(window.center - 205.75) < 1e-9)
        #expect(abs(window.width - 885) < 1e-9)
        #expect(store.frame?.windowCenter.map { abs($0 - 205.75) < 1e-9 } == true, "rendered at the dragged window")

        await store.measure(from: ViewerPoint(x: 10, y: 10), to: ViewerPoint(x: 110, y: 10))
        let m = try #require(store.view?.measurement)
        #expect(m.text == "85.9 mm")
        #expect(m.calibration == .pixelSpacing)
        #expect(abs((m.lengthMm ?? 0) - 85.9375) < 1e-9)

        await store.goTo(slice: 192)
        #expect(store.message?.error?.kind == "InvalidInput")
        #expect(store.view?.slice == 96, "the last view stays")
        await store.hideName(true)
        #expect(store.view?.overlay.patient == nil)
    }

    @Test("quick scrolls land in order: the last view and frame are the last scroll's", .enabled(if: Env.hasSamples, "no ../shared/dicom-samples/SAG-anon"))
    func quickScroll() async throws {
        let t = try TestVault("viewer-quick")
        try await t.importSagAnon()
        let study = try #require(try t.vault.studies().first)
        let store = ViewerStore()
        await store.open(vault: t.vault, studyId: study.id, locale: "en")
        await store.resize(width: 400, height: 768)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<12 { group.addTask { await store.scroll(dy: 16) } }
        }
        let slice = try #require(store.view?.slice)
        #expect(slice > 0)
        #expect(store.frame?.slice == slice)
    }

    @Test("the frame's layout is what Core Graphics is told; the bytes are the core's, uncopied", .enabled(if: Env.hasSamples, "no ../shared/dicom-samples/SAG-anon"))
    func frameLayout() async throws {
        let t = try TestVault("viewer-frame")
        try await t.importSagAnon()
        let study = try #require(try t.vault.studies().first)
        let series = try #require(try t.vault.series(studyId: study.id).first)
        let screen = try ViewerScreen(vault: t.vault, seriesId: series.id, locale: "en")
        let slice = try screen.render()
        let frame = try ViewerFrame(slice, number: 0)
        #expect(frame.layout.bytesPerRow == 256 * 4)
        #expect(frame.layout.byteCount == frame.rgba.count)
        #expect(frame.layout.bitsPerComponent == 8 && frame.layout.bitsPerPixel == 32)
        #expect(frame.rgba == slice.rgba)
        // the same storage: no copy was made (Data is copy-on-write; equal base addresses)
        let a = slice.rgba.withUnsafeBytes { $0.baseAddress }
        let b = frame.rgba.withUnsafeBytes { $0.baseAddress }
        #expect(a == b)
        // pixel (x, y) sits at y * bytesPerRow + x * 4, opaque, grey (R = G = B)
        for (x, y) in [(0, 0), (128, 128), (255, 255), (17, 200)] {
            let (r, g, b2, alpha) = frame.pixel(x: x, y: y)
            let o = frame.layout.offset(x: x, y: y)
            #expect(r == slice.rgba[o] && alpha == 255 && r == g && g == b2)
        }
        #expect(throws: ViewerFrame.LayoutError.size(expected: 16, got: 3)) {
            try ViewerFrame(RenderedSlice(width: 2, height: 2, windowed: false, windowCenter: 0, windowWidth: 0, reduced: false, rgba: Data([1, 2, 3])), number: 0)
        }
    }

    @Test("a large JPEG 2000 image: reduced first, refined whole, the same length measured on either", .enabled(if: Env.hasSamples, "no ../shared/dicom-samples"))
    func firstImageAtTheViewsSize() async throws {
        let t = try TestVault("viewer-first-image")
        let rg3 = URL(fileURLWithPath: Env.samples! + "/dicom-test-files/WG04/J2KR/RG3_J2KR")
        _ = try await importPicked(PickedFiles([rg3]), into: t.vault)
        let study = try #require(try t.vault.studies().first)
        let series = try #require(try t.vault.series(studyId: study.id).first)

        // the store: the area is known (360 x 360 points at 2 pixels a point) before it opens,
        // so the first image is asked for at 720 x 720 pixels, then refined whole
        let store = ViewerStore()
        await store.resize(width: 360, height: 360, scale: 2)
        await store.open(vault: t.vault, studyId: study.id, locale: "en")
        #expect(store.message == nil)
        let frame = try #require(store.frame)
        #expect(frame.layout.width == 1760 && !frame.reduced, "refined to the whole image")
        #expect(store.view?.refine == false)
        #expect(store.view?.imageWidth == 1760 && store.view?.imageHeight == 1760)

        // the other order (the viewer opened before its area is laid out, as SwiftUI may run the
        // tasks): nothing is decoded whole before the size is known; then the same result
        let late = ViewerStore()
        await late.open(vault: t.vault, studyId: study.id, locale: "en")
        #expect(late.frame == nil && late.view?.imageWidth == 1760)
        await late.resize(width: 360, height: 360, scale: 2)
        #expect(late.frame?.layout.width == 1760 && late.frame?.reduced == false)
        #expect(late.view?.refine == false)

        // the same steps by hand: the first render is reduced and the view asks to refine
        let screen = try ViewerScreen(vault: t.vault, seriesId: series.id, locale: "en")
        _ = try screen.handle(event: .resize(width: 360, height: 360))
        let first = try ViewerFrame(screen.renderForView(viewWidth: 720, viewHeight: 720), number: 0)
        #expect(first.reduced && first.layout.width < 1760)
        let during = try screen.view()
        #expect(during.refine)
        let whole = try ViewerFrame(screen.render(), number: 0)
        #expect(!whole.reduced && whole.layout.width == 1760)
        let after = try screen.view()
        #expect(!after.refine)
        // a touch maps by the core's image size: the same image pixels on either frame
        let a = ImageMapping(view: during, areaWidth: 360, areaHeight: 360)
        let b = ImageMapping(view: after, areaWidth: 360, areaHeight: 360)
        let from = a.imagePoint(x: 90, y: 100), to = a.imagePoint(x: 270, y: 250)
        #expect(from == b.imagePoint(x: 90, y: 100) && to == b.imagePoint(x: 270, y: 250))
        #expect(to.x > Double(first.layout.width), "in the image's own pixels: \(to)")
        let m = try #require(try screen.handle(event: .measure(start: from, end: to)).measurement)
        #expect(!m.text.isEmpty)
    }
}
