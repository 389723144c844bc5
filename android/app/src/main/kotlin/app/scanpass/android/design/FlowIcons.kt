// Icons of the import, share, receive, requests and settings screens (vectors, as in Icons.kt).
package app.scanpass.android.design

import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.SolidColor
import androidx.compose.ui.graphics.vector.ImageVector
import androidx.compose.ui.graphics.vector.path
import androidx.compose.ui.unit.dp

object FlowIcons {
    /** Material "arrow back", 24 dp. */
    val Back: ImageVector by lazy {
        ImageVector.Builder("back", 24.dp, 24.dp, 24f, 24f).apply {
            path(fill = SolidColor(Color.Black)) {
                moveTo(20f, 11f); horizontalLineTo(7.83f); lineTo(13.42f, 5.41f); lineTo(12f, 4f)
                lineTo(4f, 12f); lineTo(12f, 20f); lineTo(13.41f, 18.59f); lineTo(7.83f, 13f)
                horizontalLineTo(20f); close()
            }
        }.build()
    }

    /** Material "more vert", 24 dp. */
    val More: ImageVector by lazy {
        ImageVector.Builder("more", 24.dp, 24.dp, 24f, 24f).apply {
            path(fill = SolidColor(Color.Black)) {
                for (y in listOf(6f, 12f, 18f)) {
                    moveTo(12f, y - 2f); curveTo(13.1f, y - 2f, 14f, y - 1.1f, 14f, y)
                    curveTo(14f, y + 1.1f, 13.1f, y + 2f, 12f, y + 2f)
                    curveTo(10.9f, y + 2f, 10f, y + 1.1f, 10f, y)
                    curveTo(10f, y - 1.1f, 10.9f, y - 2f, 12f, y - 2f); close()
                }
            }
        }.build()
    }

    /** Material "share", 24 dp (simplified: three dots joined). */
    val Share: ImageVector by lazy {
        ImageVector.Builder("share", 24.dp, 24.dp, 24f, 24f).apply {
            path(fill = SolidColor(Color.Black)) {
                for ((x, y) in listOf(18f to 5f, 6f to 12f, 18f to 19f)) {
                    moveTo(x, y - 3f); curveTo(x + 1.66f, y - 3f, x + 3f, y - 1.66f, x + 3f, y)
                    curveTo(x + 3f, y + 1.66f, x + 1.66f, y + 3f, x, y + 3f)
                    curveTo(x - 1.66f, y + 3f, x - 3f, y + 1.66f, x - 3f, y)
                    curveTo(x - 3f, y - 1.66f, x - 1.66f, y - 3f, x, y - 3f); close()
                }
            }
            path(stroke = SolidColor(Color.Black), strokeLineWidth = 1.6f) {
                moveTo(18f, 5f); lineTo(6f, 12f); lineTo(18f, 19f)
            }
        }.build()
    }
}
