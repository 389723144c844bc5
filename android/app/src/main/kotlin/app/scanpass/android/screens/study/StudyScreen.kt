// One study, opened from the library: its card as the core's library model words it, and the
// thumbnails of its series (PNG bytes the core renders). A stepping stone: when the core's viewer
// model (issue 17, screen 4) is merged, this destination becomes the viewer's entry and its strip.
// Nothing here is decided in Kotlin: the card comes whole from `LibraryView`, the thumbnails in
// the order `Vault.series` gives.
package app.scanpass.android.screens.study

import android.graphics.BitmapFactory
import androidx.compose.foundation.Image
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.WindowInsets
import androidx.compose.foundation.layout.aspectRatio
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.safeDrawing
import androidx.compose.foundation.layout.windowInsetsPadding
import androidx.compose.foundation.lazy.grid.GridCells
import androidx.compose.foundation.lazy.grid.GridItemSpan
import androidx.compose.foundation.lazy.grid.LazyVerticalGrid
import androidx.compose.foundation.lazy.grid.items
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.FilterQuality
import androidx.compose.ui.graphics.ImageBitmap
import androidx.compose.ui.graphics.asImageBitmap
import androidx.compose.ui.layout.ContentScale
import androidx.compose.ui.platform.LocalConfiguration
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import app.scanpass.android.core.Session
import app.scanpass.android.core.core
import app.scanpass.ffi.LibraryScreen
import app.scanpass.ffi.StudyCard

/** What the study screen draws. */
class StudyState(val card: StudyCard?, val thumbnails: List<ImageBitmap>)

@Composable
fun StudyRoute(studyId: String) {
    val context = LocalContext.current
    val locale = LocalConfiguration.current.locales[0].toLanguageTag()
    var state by remember(studyId) { mutableStateOf<StudyState?>(null) }
    LaunchedEffect(studyId, locale) {
        state = core {
            val vault = Session.vault(context)
            val card = LibraryScreen(vault, locale).use { s ->
                s.view().patients.flatMap { it.studies }.firstOrNull { it.id == studyId }
            }
            val thumbs = if (card == null) emptyList() else vault.series(studyId).mapNotNull { series ->
                runCatching { vault.thumbnail(series.id) }.getOrNull()
                    ?.let { BitmapFactory.decodeByteArray(it, 0, it.size)?.asImageBitmap() }
            }
            StudyState(card, thumbs)
        }
    }
    StudyContent(state)
}

@Composable
fun StudyContent(state: StudyState?) {
    Surface(Modifier.fillMaxSize().testTag("study-screen")) {
        val card = state?.card
        LazyVerticalGrid(
            columns = GridCells.Adaptive(minSize = 128.dp),
            modifier = Modifier.fillMaxSize().windowInsetsPadding(WindowInsets.safeDrawing),
            contentPadding = PaddingValues(16.dp),
            horizontalArrangement = Arrangement.spacedBy(8.dp),
            verticalArrangement = Arrangement.spacedBy(8.dp),
        ) {
            if (card != null) {
                item(span = { GridItemSpan(maxLineSpan) }) {
                    Column(Modifier.fillMaxWidth().padding(bottom = 8.dp).semantics(mergeDescendants = true) { heading() }) {
                        Text(card.title, style = MaterialTheme.typography.headlineSmall, modifier = Modifier.testTag("study-title"))
                        Text(card.kinds, style = MaterialTheme.typography.bodyLarge)
                        Text(card.date, style = MaterialTheme.typography.bodyLarge)
                        Text(card.counts, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
                    }
                }
            }
            items(state?.thumbnails.orEmpty()) { bmp ->
                // decorative until the viewer's model gives each series its words
                Image(
                    bmp,
                    contentDescription = null,
                    modifier = Modifier.fillMaxWidth().aspectRatio(1f).testTag("series-thumbnail"),
                    contentScale = ContentScale.Fit,
                    filterQuality = FilterQuality.Medium,
                )
            }
        }
    }
}
