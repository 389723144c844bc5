// The viewer: draws the core's ViewerView around the slice the core rendered, and turns the
// patient's gestures into the core's events, as the model defines them: a one-finger vertical
// drag does what the core's tool says (`view.tool`, chosen among `view.tools`): scroll slices (the
// core's sensitivity turns points into slices), drag the window (the core turns dx, dy into centre
// and width), or measure between two points (the core gives the length in mm, or says it is not
// calibrated); a pinch zooms about its centre. The overlay text, orientation letters, slice text,
// presets, cine rate and every control's words are the core's.

import Scanpass
import ScanpassKit
import SwiftUI

struct ViewerScreenView: View {
    let store: ViewerStore
    /// Appointment mode, when it is on: the viewer shows its banner and leave button.
    let appointment: AppointmentStore?

    @State private var lastDrag: CGSize = .zero
    @State private var lastScale: CGFloat = 1
    @State private var cine: Task<Void, Never>?
    @Environment(\.displayScale) private var displayScale

    var body: some View {
        VStack(spacing: 0) {
            image
            if let view = store.view, view.strip.count > 1 {
                SeriesStrip(items: view.strip) { id in Task { await store.selectSeries(id) } }
            }
        }
        .navigationTitle(store.view?.sliceText ?? "")
        .navigationBarTitleDisplayMode(.inline)
        .toolbar { toolbar }
        .alert(store.message?.text ?? "", isPresented: showingMessage) {}
        .onChange(of: appointment?.view?.hidePatientName) { _, hide in
            if let hide { Task { await store.hideName(hide) } }
        }
        .onDisappear { cine?.cancel() }
    }

    private var image: some View {
        GeometryReader { geometry in
            ZStack {
                Color.black
                if let frame = store.frame, let cgImage = frame.cgImage {
                    // fitted by the slice's own size (the core's), whatever size the frame is:
                    // a reduced first image is stretched to it, then replaced by the whole one
                    Image(decorative: cgImage, scale: 1)
                        .resizable()
                        .interpolation(.medium)
                        .aspectRatio(imageSize(frame), contentMode: .fit)
                        .scaleEffect(store.view?.zoom ?? 1)
                        .offset(x: store.view?.panX ?? 0, y: store.view?.panY ?? 0)
                        .accessibilityHidden(true)
                } else {
                    ProgressView().tint(.white)
                }
                if let view = store.view {
                    ViewerOverlayView(view: view)
                }
            }
            .contentShape(Rectangle())
            .gesture(drag(in: geometry.size))
            .simultaneousGesture(pinch(in: geometry.size))
            .task(id: geometry.size) {
                await store.resize(width: geometry.size.width, height: geometry.size.height,
                                   scale: displayScale)
            }
            // VoiceOver: the slice in the core's words; swipe up or down to change it
            .accessibilityElement(children: .ignore)
            .accessibilityLabel(store.view?.sliceText ?? "")
            .accessibilityValue(store.view?.orientation?.spoken ?? "")
            .accessibilityAdjustableAction { direction in
                guard let view = store.view else { return }
                let next = direction == .increment ? view.slice + 1 : max(view.slice, 1) - 1
                Task { await store.goTo(slice: min(next, view.sliceCount - 1)) }
            }
        }
    }

    private func drag(in size: CGSize) -> some Gesture {
        DragGesture(minimumDistance: 2)
            .onChanged { value in
                let dx = value.translation.width - lastDrag.width
                let dy = value.translation.height - lastDrag.height
                lastDrag = value.translation
                switch tool {
                case .scroll: Task { await store.scroll(dy: dy) }
                case .window: Task { await store.windowDrag(dx: dx, dy: dy) }
                case .measure: break
                }
            }
            .onEnded { value in
                lastDrag = .zero
                guard tool == .measure, let view = store.view else { return }
                let map = ImageMapping(view: view, areaWidth: size.width, areaHeight: size.height)
                let from = map.imagePoint(x: value.startLocation.x, y: value.startLocation.y)
                let to = map.imagePoint(x: value.location.x, y: value.location.y)
                Task { await store.measure(from: from, to: to) }
            }
    }

    private func pinch(in size: CGSize) -> some Gesture {
        MagnifyGesture()
            .onChanged { value in
                let factor = value.magnification / lastScale
                lastScale = value.magnification
                let focus = ViewerPoint(x: value.startLocation.x, y: value.startLocation.y)
                Task { await store.zoom(by: factor, at: focus) }
            }
            .onEnded { _ in lastScale = 1 }
    }

    /// The slice's own size from the core's view (the frame's until the view arrives).
    private func imageSize(_ frame: ViewerFrame) -> CGSize {
        guard let view = store.view, view.imageWidth > 0, view.imageHeight > 0 else {
            return CGSize(width: frame.layout.width, height: frame.layout.height)
        }
        return CGSize(width: Int(view.imageWidth), height: Int(view.imageHeight))
    }

    @ToolbarContentBuilder
    private var toolbar: some ToolbarContent {
        ToolbarItem(placement: .topBarTrailing) {
            if let view = store.view {
                Picker(view.tools.first(where: { $0.selected })?.label ?? "", selection: toolChoice) {
                    ForEach(view.tools, id: \.label) { item in
                        Image(systemName: Self.symbol(item.tool))
                            .accessibilityLabel(item.label).tag(item.tool)
                    }
                }
                .pickerStyle(.segmented)
            }
        }
        ToolbarItemGroup(placement: .bottomBar) {
            if let view = store.view {
                Menu {
                    ForEach(view.presets, id: \.id) { preset in
                        Button {
                            Task { await store.preset(preset.id) }
                        } label: {
                            if preset.selected {
                                Label(preset.label, systemImage: "checkmark")
                            } else {
                                Text(preset.label)
                            }
                        }
                    }
                } label: {
                    Image(systemName: "slider.horizontal.3")
                }
                .accessibilityLabel(view.labels.presets)
                .accessibilityValue(view.window?.text ?? "")
                Button { Task { await store.invert() } } label: {
                    Image(systemName: "circle.righthalf.filled")
                }
                .accessibilityLabel(view.labels.invert)
                .accessibilityAddTraits(view.inverted ? .isSelected : [])
                Button { Task { await store.reset() } } label: {
                    Image(systemName: "arrow.counterclockwise")
                }
                .accessibilityLabel(view.labels.reset)
                if view.cine.available {
                    Button {
                        toggleCine(view.cine.playing)
                    } label: {
                        Image(systemName: view.cine.playing ? "pause.fill" : "play.fill")
                    }
                    .accessibilityLabel(view.cine.toggleLabel)
                    .accessibilityValue(view.cine.rateText)
                }
            }
        }
    }

    /// The core's tool in effect (scrolling until the first view).
    private var tool: ViewerTool { store.view?.tool ?? .scroll }

    /// The tool picker's selection: the core's tool, and a choice sent to the core.
    private var toolChoice: Binding<ViewerTool> {
        Binding(get: { tool }, set: { chosen in Task { await store.selectTool(chosen) } })
    }

    private static func symbol(_ tool: ViewerTool) -> String {
        switch tool {
        case .scroll: "square.stack.3d.down.right"
        case .window: "circle.lefthalf.filled"
        case .measure: "ruler"
        }
    }

    private func toggleCine(_ playing: Bool) {
        cine?.cancel()
        if playing {
            Task { await store.pause() }
        } else {
            cine = Task { await store.play() }
        }
    }

    private var showingMessage: Binding<Bool> {
        Binding(get: { store.message != nil }, set: { if !$0 { store.dismissMessage() } })
    }
}

/// Where a point of the view falls in the image's pixels: the slice is drawn aspect-fit, then
/// scaled by the core's zoom about the centre and moved by its pan. Drawing geometry only.
/// The core's overlay in the corners, its orientation letters at the edges, its measurement.
struct ViewerOverlayView: View {
    let view: ViewerView

    var body: some View {
        ZStack {
            VStack {
                HStack(alignment: .top) {
                    VStack(alignment: .leading) {
                        if let patient = view.overlay.patient { Text(patient) }
                        Text(view.overlay.studyDate)
                        Text(view.overlay.series)
                    }
                    Spacer()
                    VStack(alignment: .trailing) {
                        Text(view.sliceText)
                        if let position = view.overlay.position { Text(position) }
                        if let thickness = view.overlay.thickness { Text(thickness) }
                    }
                }
                Spacer()
                HStack(alignment: .bottom) {
                    if let measurement = view.measurement {
                        VStack(alignment: .leading) {
                            Text(measurement.text).font(.headline)
                            Text(measurement.calibrationText)
                        }
                        .accessibilityElement(children: .combine)
                    }
                    Spacer()
                    VStack(alignment: .trailing) {
                        if let window = view.overlay.window { Text(window) }
                        Text(view.overlay.zoom)
                    }
                }
            }
            .padding(Theme.Spacing.medium)
            if let o = view.orientation {
                OrientationLetters(orientation: o)
            }
        }
        .font(.caption.monospacedDigit())
        .foregroundStyle(.white)
        .shadow(color: .black, radius: 1)
    }
}

struct OrientationLetters: View {
    let orientation: ViewerOrientation

    var body: some View {
        ZStack {
            VStack { Text(orientation.top); Spacer(); Text(orientation.bottom) }
            HStack { Text(orientation.left); Spacer(); Text(orientation.right) }
        }
        .padding(Theme.Spacing.small)
        // the core's spoken form is the image's accessibility value
        .accessibilityHidden(true)
    }
}

struct SeriesStrip: View {
    let items: [ViewerSeriesItem]
    let select: (String) -> Void

    var body: some View {
        ScrollView(.horizontal) {
            HStack(spacing: Theme.Spacing.medium) {
                ForEach(items, id: \.id) { item in
                    Button { select(item.id) } label: {
                        VStack(alignment: .leading) {
                            Text(item.title).font(.footnote)
                            Text(item.count).font(.caption2)
                        }
                        .padding(Theme.Spacing.medium)
                        .background(item.selected ? Color.accentColor.opacity(0.3) : Color.clear,
                                    in: RoundedRectangle(cornerRadius: 8))
                    }
                    .accessibilityElement(children: .combine)
                    .accessibilityAddTraits(item.selected ? [.isButton, .isSelected] : .isButton)
                }
            }
            .padding(Theme.Spacing.medium)
        }
    }
}
