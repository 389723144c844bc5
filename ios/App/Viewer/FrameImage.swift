// The core's rendered slice as a CGImage, over the same bytes: no PNG round trip, no second copy.
//
// ScanpassKit's ViewerFrame holds the RGBA the generated bindings copied once out of the core's
// buffer (Data) and its layout (tested on Linux). Here Core Graphics is handed that Data as
// CFData: Foundation's overlay bridges a Swift Data to an NSData that keeps a reference to the
// same storage (no copy), and CGDataProvider(data:) retains it for the image's lifetime. Apple's
// SDK only: parsed here, never compiled.

import CoreGraphics
import Foundation
import ScanpassKit

extension ViewerFrame {
    /// The slice as an image, or nil if Core Graphics refuses the layout (it never should).
    var cgImage: CGImage? {
        guard let provider = CGDataProvider(data: rgba as CFData) else { return nil }
        return CGImage(
            width: layout.width,
            height: layout.height,
            bitsPerComponent: layout.bitsPerComponent,
            bitsPerPixel: layout.bitsPerPixel,
            bytesPerRow: layout.bytesPerRow,
            space: CGColorSpaceCreateDeviceRGB(),
            // R, G, B, then the core's opaque alpha byte, skipped: nothing premultiplied
            bitmapInfo: CGBitmapInfo(rawValue: CGImageAlphaInfo.noneSkipLast.rawValue),
            provider: provider,
            decode: nil,
            shouldInterpolate: true,
            intent: .defaultIntent
        )
    }
}
