# The library screen (see common.ftl for the shared words)

## The library screen
library-empty = No images yet. Import a CD, a USB stick, a zip or a download link to start.
library-no-match = Nothing matches “{ $query }”.
library-patient-unnamed = Unnamed patient
library-study-untitled = { $kind }
library-study-undated = Date unknown
# $series and $images are already counted phrases ("2 series", "192 images")
library-study-counts = { $series } · { $images }
delete-study-title = Delete this study?
# $study: the study's title and date ("CT scan, 15 January 2026")
delete-study-message = { $study } will be removed from this phone, with its images. Links you shared stay open until they expire or you revoke them.
delete-study-confirm = Delete
action-cancel = Cancel

## The library's own words and its ways to the other screens
library-title = Your images
library-search = Search
library-more = More
library-action-import = Add images
library-action-receive = Open a shared link
library-action-my-shares = My shares
library-action-requests = Request your images
library-action-settings = Settings
library-share = Share
library-show-doctor = Show a doctor
# $study: the study's title and date ("CT scan, 15 January 2026"), for screen readers
library-share-study = Share { $study }
library-delete-study = Delete { $study }
