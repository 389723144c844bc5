// A DocumentsProvider over a real folder, as a USB stick's or a CD's provider exposes it to the
// Storage Access Framework: document ids are paths under the root, "root" the tree's top.
package app.scanpass.android.screens.import

import android.content.pm.ProviderInfo
import android.database.Cursor
import android.database.MatrixCursor
import android.os.CancellationSignal
import android.os.ParcelFileDescriptor
import android.provider.DocumentsContract.Document
import android.provider.DocumentsContract.Root
import android.provider.DocumentsProvider
import java.io.File
import org.robolectric.Robolectric

class FileTreeProvider : DocumentsProvider() {
    companion object {
        const val AUTHORITY = "app.scanpass.test.documents"
        const val ROOT_ID = "root"
        @Volatile var root: File? = null
        /** How many documents were opened (the walk read every file). */
        @Volatile var opened = 0

        /** Serves [folder] as this provider's tree, registered with Robolectric as the system would. */
        fun install(folder: File) {
            root = folder
            opened = 0
            val info = ProviderInfo().apply {
                authority = AUTHORITY
                exported = true
                grantUriPermissions = true
                readPermission = android.Manifest.permission.MANAGE_DOCUMENTS
                writePermission = android.Manifest.permission.MANAGE_DOCUMENTS
            }
            Robolectric.buildContentProvider(FileTreeProvider::class.java).create(info)
        }
    }

    private fun file(id: String): File {
        val r = root ?: error("no root")
        return if (id == ROOT_ID) r else File(r, id.removePrefix("$ROOT_ID/"))
    }

    private fun idOf(f: File): String {
        val r = root!!
        return if (f == r) ROOT_ID else "$ROOT_ID/" + f.relativeTo(r).path
    }

    override fun onCreate(): Boolean = true

    override fun queryRoots(projection: Array<out String>?): Cursor =
        MatrixCursor(projection ?: arrayOf(Root.COLUMN_ROOT_ID, Root.COLUMN_DOCUMENT_ID)).apply {
            newRow().add(Root.COLUMN_ROOT_ID, "usb").add(Root.COLUMN_DOCUMENT_ID, ROOT_ID)
        }

    private fun row(c: MatrixCursor, f: File) {
        c.newRow()
            .add(Document.COLUMN_DOCUMENT_ID, idOf(f))
            .add(Document.COLUMN_DISPLAY_NAME, f.name)
            .add(Document.COLUMN_MIME_TYPE, if (f.isDirectory) Document.MIME_TYPE_DIR else "application/octet-stream")
            .add(Document.COLUMN_SIZE, if (f.isDirectory) null else f.length())
    }

    private fun columns(p: Array<out String>?) = p ?: arrayOf(
        Document.COLUMN_DOCUMENT_ID, Document.COLUMN_DISPLAY_NAME, Document.COLUMN_MIME_TYPE, Document.COLUMN_SIZE,
    )

    override fun queryDocument(documentId: String, projection: Array<out String>?): Cursor =
        MatrixCursor(columns(projection)).also { row(it, file(documentId)) }

    override fun queryChildDocuments(parentDocumentId: String, projection: Array<out String>?, sortOrder: String?): Cursor =
        MatrixCursor(columns(projection)).also { c -> file(parentDocumentId).listFiles()?.sortedBy { it.name }?.forEach { row(c, it) } }

    override fun isChildDocument(parentDocumentId: String, documentId: String): Boolean =
        parentDocumentId == ROOT_ID || documentId.startsWith("$parentDocumentId/")

    override fun openDocument(documentId: String, mode: String, signal: CancellationSignal?): ParcelFileDescriptor {
        opened++
        return ParcelFileDescriptor.open(file(documentId), ParcelFileDescriptor.MODE_READ_ONLY)
    }
}
