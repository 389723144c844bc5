// Where the image sits in the image area and which image pixel a touch is on: fitted, scaled by
// the core's zoom, its centre moved by the core's pan, all by the slice's own size from the core's
// view (`imageWidth` × `imageHeight`), never by the frame's: a first image may be a reduced one,
// and a measurement made on it must land on the same image pixels as on the whole one.

import Foundation
import Scanpass

public struct ImageMapping: Sendable, Equatable {
    /// The slice's own size in pixels (the core's).
    public let imageWidth: Double
    public let imageHeight: Double
    /// The image area in points.
    public let areaWidth: Double
    public let areaHeight: Double
    public let zoom: Double
    public let panX: Double
    public let panY: Double

    public init(view: ViewerView, areaWidth: Double, areaHeight: Double) {
        imageWidth = Double(max(view.imageWidth, 1))
        imageHeight = Double(max(view.imageHeight, 1))
        self.areaWidth = areaWidth
        self.areaHeight = areaHeight
        zoom = view.zoom
        panX = view.panX
        panY = view.panY
    }

    /// Points per image pixel.
    public var scale: Double { min(areaWidth / imageWidth, areaHeight / imageHeight) * zoom }

    /// The image's top left corner in the area, in points.
    public var origin: (x: Double, y: Double) {
        ((areaWidth - imageWidth * scale) / 2 + panX, (areaHeight - imageHeight * scale) / 2 + panY)
    }

    /// A point of the area (points) in image pixels, kept on the image (the core refuses ends
    /// off it).
    public func imagePoint(x: Double, y: Double) -> ViewerPoint {
        let o = origin
        return ViewerPoint(x: min(max((x - o.x) / scale, 0), imageWidth),
                           y: min(max((y - o.y) / scale, 0), imageHeight))
    }
}
