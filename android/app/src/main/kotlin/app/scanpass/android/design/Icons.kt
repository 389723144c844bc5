// The few icons the app draws, as vectors (the Material icons artifact is not a dependency).
package app.scanpass.android.design

import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.SolidColor
import androidx.compose.ui.graphics.vector.ImageVector
import androidx.compose.ui.graphics.vector.path
import androidx.compose.ui.unit.dp

object ScanpassIcons {
    /** Material "delete" (outlined), 24 dp. */
    val Delete: ImageVector by lazy {
        ImageVector.Builder("delete", 24.dp, 24.dp, 24f, 24f).apply {
            path(fill = SolidColor(Color.Black)) {
                moveTo(6f, 19f); curveTo(6f, 20.1f, 6.9f, 21f, 8f, 21f); horizontalLineTo(16f)
                curveTo(17.1f, 21f, 18f, 20.1f, 18f, 19f); verticalLineTo(7f); horizontalLineTo(6f); close()
                moveTo(8f, 9f); horizontalLineTo(16f); verticalLineTo(19f); horizontalLineTo(8f); close()
                moveTo(15.5f, 4f); lineTo(14.5f, 3f); horizontalLineTo(9.5f); lineTo(8.5f, 4f)
                horizontalLineTo(5f); verticalLineTo(6f); horizontalLineTo(19f); verticalLineTo(4f); close()
            }
        }.build()
    }

    /** Material "calendar today", 24 dp: appointment mode, where its words do not fit. */
    val Appointment: ImageVector by lazy {
        ImageVector.Builder("appointment", 24.dp, 24.dp, 24f, 24f).apply {
            path(fill = SolidColor(Color.Black)) {
                moveTo(20f, 3f); horizontalLineTo(19f); verticalLineTo(1f); horizontalLineTo(17f); verticalLineTo(3f)
                horizontalLineTo(7f); verticalLineTo(1f); horizontalLineTo(5f); verticalLineTo(3f); horizontalLineTo(4f)
                curveTo(2.9f, 3f, 2f, 3.9f, 2f, 5f); verticalLineTo(21f); curveTo(2f, 22.1f, 2.9f, 23f, 4f, 23f)
                horizontalLineTo(20f); curveTo(21.1f, 23f, 22f, 22.1f, 22f, 21f); verticalLineTo(5f)
                curveTo(22f, 3.9f, 21.1f, 3f, 20f, 3f); close()
                moveTo(20f, 21f); horizontalLineTo(4f); verticalLineTo(8f); horizontalLineTo(20f); close()
            }
        }.build()
    }

    /** Material "search", 24 dp. */
    val Search: ImageVector by lazy {
        ImageVector.Builder("search", 24.dp, 24.dp, 24f, 24f).apply {
            path(fill = SolidColor(Color.Black)) {
                moveTo(15.5f, 14f); horizontalLineTo(14.71f); lineTo(14.43f, 13.73f)
                curveTo(15.41f, 12.59f, 16f, 11.11f, 16f, 9.5f)
                curveTo(16f, 5.91f, 13.09f, 3f, 9.5f, 3f); curveTo(5.91f, 3f, 3f, 5.91f, 3f, 9.5f)
                curveTo(3f, 13.09f, 5.91f, 16f, 9.5f, 16f); curveTo(11.11f, 16f, 12.59f, 15.41f, 13.73f, 14.43f)
                lineTo(14f, 14.71f); verticalLineTo(15.5f); lineTo(19f, 20.49f); lineTo(20.49f, 19f); close()
                moveTo(9.5f, 14f); curveTo(7.01f, 14f, 5f, 11.99f, 5f, 9.5f); curveTo(5f, 7.01f, 7.01f, 5f, 9.5f, 5f)
                curveTo(11.99f, 5f, 14f, 7.01f, 14f, 9.5f); curveTo(14f, 11.99f, 11.99f, 14f, 9.5f, 14f); close()
            }
        }.build()
    }

    /** Material "arrow back", 24 dp (mirrored in right-to-left layouts by the caller's Icon). */
    val Back: ImageVector by lazy {
        ImageVector.Builder("back", 24.dp, 24.dp, 24f, 24f, autoMirror = true).apply {
            path(fill = SolidColor(Color.Black)) {
                moveTo(20f, 11f); horizontalLineTo(7.83f); lineTo(13.42f, 5.41f); lineTo(12f, 4f)
                lineTo(4f, 12f); lineTo(12f, 20f); lineTo(13.41f, 18.59f); lineTo(7.83f, 13f)
                horizontalLineTo(20f); close()
            }
        }.build()
    }
}
