// The viewer's store: the core's ViewerScreen model and its rendered slice, published on the
// main actor.
//
// The core turns every gesture into the view: a scroll's distance into a slice (its
// sensitivity), a drag into window centre and width (for this modality and bit depth), two
// image points into a length in mm (and which spacing it used, or "not calibrated"), the overlay
// text and orientation letters, the cine rate, which slices to prefetch. The store forwards the
// gestures in order, renders the slice when what is on it changed (slice, series, window,
// inversion), and drops a render older than the one shown, so a fast scroll never goes back.
//
// The first image of a slice is asked for at the image area's size in pixels (points × the
// screen's scale: `renderForView`): a large JPEG 2000 or lossy JPEG comes first decoded smaller.
// While the core's view then says `refine`, the store renders the slice whole as soon as no newer
// gesture has come (the core is already decoding it). Touches map to image pixels by the core's
// image size (`ImageMapping`), never the frame's, so a measurement is the same on either.

import Foundation
import Observation
import Scanpass

@MainActor
@Observable
public final class ViewerStore {
    /// What to draw around the image; `nil` until the screen is open.
    public private(set) var view: ViewerView?
    /// The image to draw.
    public private(set) var frame: ViewerFrame?
    public private(set) var message: PatientMessage?

    @ObservationIgnored private var screen: ViewerScreen?
    @ObservationIgnored private let core = CoreQueue(label: "viewer")
    @ObservationIgnored private var order = CallOrder()
    @ObservationIgnored private var frameOrder = CallOrder()
    @ObservationIgnored private var rendered: FrameKey?
    /// The image area in pixels, once the view has said (before or after `open`).
    @ObservationIgnored private var viewPixels: (width: UInt32, height: UInt32)?

    public init() {}

    /// Open the viewer on study `studyId`, at the series the core opens a study with (the strip
    /// offers the others). A study gone meanwhile is refused by the core, in its words.
    public func open(vault: Vault, studyId: String, locale: String) async {
        do {
            let screen = try await core.run { () throws -> ViewerScreen in
                try ViewerScreen.forStudy(vault: vault, studyId: studyId, locale: locale)
            }
            self.screen = screen
            await apply { try screen.view() }
        } catch {
            message = PatientMessage(error)
        }
    }

    // MARK: gestures, as the core defines them

    /// The image area's size in points, and the screen's pixels per point (`displayScale`): the
    /// core works in points; a first image is rendered for the pixels.
    public func resize(width: Double, height: Double, scale: Double = 1) async {
        let px = (width * scale).rounded(), py = (height * scale).rounded()
        if px >= 1, py >= 1, px < Double(UInt32.max), py < Double(UInt32.max) {
            viewPixels = (UInt32(px), UInt32(py))
        }
        await send(.resize(width: width, height: height))
    }
    /// A one-finger vertical drag of `dy` points: the core turns it into slices.
    public func scroll(dy: Double) async { await send(.scroll(dyPx: dy)) }
    public func goTo(slice: UInt32) async { await send(.goTo(slice: slice)) }
    /// A window-mode drag: the core turns it into centre and width.
    public func windowDrag(dx: Double, dy: Double) async { await send(.windowDrag(dx: dx, dy: dy)) }
    public func preset(_ id: String) async { await send(.preset(id: id)) }
    public func invert() async { await send(.invert) }
    public func reset() async { await send(.reset) }
    public func zoom(by factor: Double, at focus: ViewerPoint) async { await send(.zoom(factor: factor, focus: focus)) }
    public func pan(dx: Double, dy: Double) async { await send(.pan(dx: dx, dy: dy)) }
    /// A length between two points in image pixels.
    public func measure(from start: ViewerPoint, to end: ViewerPoint) async {
        await send(.measure(start: start, end: end))
    }
    public func clearMeasure() async { await send(.clearMeasure) }
    public func selectSeries(_ id: String) async { await send(.selectSeries(id: id)) }
    public func hideName(_ hidden: Bool) async { await send(.hideName(hidden: hidden)) }
    /// What a one-finger drag does from now on (the core's tool; the view's `tools` offer it).
    public func selectTool(_ tool: ViewerTool) async { await send(.selectTool(tool: tool)) }
    public func setRate(fps: Double) async { await send(.setRate(fps: fps)) }
    public func dismissMessage() { message = nil }

    /// Play the cine loop until paused or the calling task is cancelled: a tick at the core's
    /// interval (it clamps the rate), one frame each.
    public func play() async {
        await send(.play)
        while !Task.isCancelled, let cine = view?.cine, cine.playing {
            try? await Task.sleep(for: .milliseconds(max(1, cine.intervalMs)))
            if Task.isCancelled { break }
            await send(.tick)
        }
    }
    public func pause() async { await send(.pause) }

    public func send(_ event: ViewerEvent) async {
        guard let screen else { return }
        await apply { try screen.handle(event: event) }
    }

    private func apply(_ body: @escaping @Sendable () throws -> ViewerView) async {
        let number = order.issue()
        do {
            let next = try await core.run(body)
            guard order.accept(number) else { return }
            view = next
            message = nil
            await renderIfNeeded(next)
            await refineIfIdle()
        } catch {
            message = PatientMessage(error)
        }
    }

    /// What decides the pixels; zoom, pan and a measurement are drawn over them by the view.
    private struct FrameKey: Equatable {
        let series: String
        let slice: UInt32
        let center: Double?
        let width: Double?
        let inverted: Bool
    }

    private func renderIfNeeded(_ view: ViewerView) async {
        guard let screen else { return }
        // nothing is drawn before the image area is laid out: the first image is then asked for
        // at the area's pixels (reduced when the slice is larger), whichever of `open` and
        // `resize` came first
        guard viewPixels != nil else { return }
        let key = FrameKey(series: view.seriesId, slice: view.slice, center: view.window?.center,
                           width: view.window?.width, inverted: view.inverted)
        guard key != rendered else { return }
        rendered = key
        await draw(screen, slice: view.slice, pixels: viewPixels)
    }

    /// The core's view says the frame on screen is a reduced first image: unless a newer call
    /// came meanwhile (its own answer refines then), render the slice whole.
    private func refineIfIdle() async {
        guard let screen, let view, view.refine else { return }
        let calls = order.lastIssued
        await Task.yield()
        guard order.lastIssued == calls, self.view?.refine == true else { return }
        await draw(screen, slice: view.slice, pixels: nil)
    }

    /// Renders (for a view of `pixels`, or whole) and publishes the frame with the view that goes
    /// with it (a file's own window and `refine` are known once rendered).
    private func draw(_ screen: ViewerScreen, slice: UInt32, pixels: (width: UInt32, height: UInt32)?) async {
        let number = frameOrder.issue()
        let viewNumber = order.issue()
        do {
            let (next, after) = try await core.run { () throws -> (ViewerFrame, ViewerView) in
                let rendered: RenderedSlice
                if let pixels {
                    rendered = try screen.renderForView(viewWidth: pixels.width, viewHeight: pixels.height)
                } else {
                    rendered = try screen.render()
                }
                return (try ViewerFrame(rendered, number: slice), try screen.view())
            }
            guard frameOrder.accept(number) else { return }
            frame = next
            if order.accept(viewNumber) { view = after }
        } catch {
            rendered = nil
            message = PatientMessage(error)
        }
    }
}
