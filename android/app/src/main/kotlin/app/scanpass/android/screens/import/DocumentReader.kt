// The Storage Access Framework side of import: what the patient picked (a tree from
// ACTION_OPEN_DOCUMENT_TREE, documents from ACTION_OPEN_DOCUMENT) read through the content
// resolver as streams into a private staging folder, which the core then imports as a path.
//
// Why a stream copy: the core's import takes paths and URLs (`ImportSource.Path` / `Url`), no
// file descriptor or byte-stream source, and a tree has no descriptor at all. The tree's folder
// layout and names are kept (a CD's DICOMDIR names its files by path); picked documents are
// named by their order (`0001`, ...: a document's display name may name the patient). The
// staging folder is under noBackupFilesDir and deleted once the import is over.
package app.scanpass.android.screens.import

import android.content.ContentResolver
import android.net.Uri
import android.os.Bundle
import android.provider.DocumentsContract
import java.io.File

class DocumentReader(private val resolver: ContentResolver, private val staging: File) {
    /** Files copied so far (for tests and logs: counts only). */
    var files = 0
        private set
    var bytes = 0L
        private set

    /** Copies the tree [treeUri] (ACTION_OPEN_DOCUMENT_TREE's result) into the staging folder. */
    fun copyTree(treeUri: Uri): File {
        staging.mkdirs()
        walk(treeUri, DocumentsContract.getTreeDocumentId(treeUri), staging)
        return staging
    }

    /** Copies [uris] (ACTION_OPEN_DOCUMENT's result: DICOM files or zips) into the staging folder. */
    fun copyDocuments(uris: List<Uri>): File {
        staging.mkdirs()
        uris.forEachIndexed { i, u -> copy(u, File(staging, "%04d".format(i + 1))) }
        return staging
    }

    private fun walk(tree: Uri, parentId: String, into: File) {
        val children = DocumentsContract.buildChildDocumentsUriUsingTree(tree, parentId)
        val columns = arrayOf(
            DocumentsContract.Document.COLUMN_DOCUMENT_ID,
            DocumentsContract.Document.COLUMN_DISPLAY_NAME,
            DocumentsContract.Document.COLUMN_MIME_TYPE,
        )
        val rows = mutableListOf<Triple<String, String, String>>()
        // the Bundle form (API 26+): documents providers refuse the older selection form
        resolver.query(children, columns, null as Bundle?, null)?.use { c ->
            while (c.moveToNext()) rows += Triple(c.getString(0), c.getString(1) ?: c.getString(0), c.getString(2) ?: "")
        }
        for ((id, name, mime) in rows) {
            val safe = safeName(name)
            if (mime == DocumentsContract.Document.MIME_TYPE_DIR) {
                val sub = File(into, safe).also { it.mkdirs() }
                walk(tree, id, sub)
            } else {
                copy(DocumentsContract.buildDocumentUriUsingTree(tree, id), File(into, safe))
            }
        }
    }

    private fun copy(uri: Uri, to: File) {
        val input = resolver.openInputStream(uri) ?: return
        input.use { i -> to.outputStream().use { o -> bytes += i.copyTo(o, 256 * 1024) } }
        files++
    }

    /** A display name as one path component (no separators, no `..`). */
    private fun safeName(name: String): String {
        val n = name.replace('/', '_').replace('\\', '_').replace("\u0000", "")
        return if (n.isBlank() || n == "." || n == "..") "_" else n
    }
}
