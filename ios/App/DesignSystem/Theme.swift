// The app's small design system: spacing and the text styles screens use. Fonts are the system's
// text styles, so they follow Dynamic Type (up to the accessibility sizes); colours are semantic
// (primary, secondary, the grouped backgrounds), so they follow dark mode and Increase Contrast.

import SwiftUI

enum Theme {
    enum Spacing {
        static let small: CGFloat = 4
        static let medium: CGFloat = 8
        static let large: CGFloat = 16
    }
}

extension View {
    /// A line of secondary detail under a title.
    func detailStyle() -> some View {
        font(.subheadline).foregroundStyle(.secondary)
    }
}
