// A rendered slice as the screen blits it: the core's RGBA bytes and the layout Core Graphics
// reads them with, without a copy and without a PNG round trip.
//
// The core renders straight into the FFI buffer (ADR 5); the generated Swift copies that buffer
// once into `RenderedSlice.rgba` (Data). That Data is the image: `ViewerFrame` keeps it as it is
// and describes its layout; the app makes a CGImage over the same bytes (App/Viewer/
// FrameImage.swift: CGDataProvider(data:) over this Data, bridged to CFData without a copy).
// The layout part is here so it runs on Linux: rows of `width` pixels, 4 bytes each (R, G, B,
// then an alpha the core always sets to 255), no padding between rows, top row first.

import Foundation
import Scanpass

public struct ViewerFrame: Sendable, Equatable {
    /// The pixel layout Core Graphics is told: 8 bits a component, 4 components a pixel, RGB
    /// then an alpha byte it skips (`CGImageAlphaInfo.noneSkipLast`: the core's alpha is always
    /// opaque, so nothing is premultiplied), rows tightly packed.
    public struct Layout: Sendable, Equatable {
        public let width: Int
        public let height: Int
        public let bitsPerComponent = 8
        public let bitsPerPixel = 32
        public var bytesPerPixel: Int { bitsPerPixel / 8 }
        public var bytesPerRow: Int { width * bytesPerPixel }
        public var byteCount: Int { bytesPerRow * height }
        /// The byte of pixel (x, y)'s red component.
        public func offset(x: Int, y: Int) -> Int { y * bytesPerRow + x * bytesPerPixel }
    }

    public enum LayoutError: Error, Equatable, Sendable {
        /// The bytes are not width × height × 4 (never from the core; a guard, not a rule).
        case size(expected: Int, got: Int)
    }

    public let layout: Layout
    /// The core's bytes, not copied.
    public let rgba: Data
    /// What the core rendered it for: the slice number and the window, to tell frames apart.
    public let slice: UInt32
    public let windowCenter: Double?
    public let windowWidth: Double?
    /// A first image decoded smaller than the slice (`renderForView`): drawn stretched to the
    /// core's `imageWidth` × `imageHeight`, then replaced by the whole one.
    public let reduced: Bool

    public init(_ slice: RenderedSlice, number: UInt32) throws(LayoutError) {
        let layout = Layout(width: Int(slice.width), height: Int(slice.height))
        guard slice.rgba.count == layout.byteCount else {
            throw .size(expected: layout.byteCount, got: slice.rgba.count)
        }
        self.layout = layout
        rgba = slice.rgba
        self.slice = number
        windowCenter = slice.windowed ? slice.windowCenter : nil
        windowWidth = slice.windowed ? slice.windowWidth : nil
        reduced = slice.reduced
    }

    /// Pixel (x, y) as (r, g, b, a).
    public func pixel(x: Int, y: Int) -> (UInt8, UInt8, UInt8, UInt8) {
        let o = rgba.startIndex + layout.offset(x: x, y: y)
        return (rgba[o], rgba[o + 1], rgba[o + 2], rgba[o + 3])
    }
}
