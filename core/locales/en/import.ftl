# The import screen (see common.ftl for the shared words)

## Where the images come from
import-title = Add images
import-source-folder = A CD, DVD or USB stick
import-source-folder-detail = Choose the folder that holds the disc's or the stick's files.
import-source-zip = A zip file
import-source-zip-detail = A download from a hospital or clinic portal, saved as a zip.
import-source-files = Image files
import-source-files-detail = One or more DICOM files you saved.
import-source-link = A download link
import-source-link-detail = A link from your provider's portal, with its access code if it has one.
import-link-url = Link
import-link-token = Access code (if the portal gave you one)
import-link-submit = Download
import-link-bad = This is not a link Scanpass can download from. It must start with https://.

## While importing
import-phase-searching = Looking for images…
import-phase-importing = Adding images…
import-phase-finishing = Finishing…
import-phase-stopping = Stopping…
# $done and $total: numbers of files
import-files = { $done } of { $total } files
# $done and $total: sizes as people read them ("12 MB")
import-bytes = { $done } of { $total }
import-time-estimating = Estimating time left…
import-time-seconds = A few seconds left
import-time-minute = Less than a minute left
import-time-minutes = About { $minutes } minutes left
import-time-hours = { $hours ->
    [one] About an hour left
   *[other] About { $hours } hours left
}
import-cancel = Stop

## When it is over
import-done-title = Import finished
import-cancelled-title = Import stopped
import-failed-title = Nothing could be imported
import-added = { $count ->
    [0] No new images were added
    [one] 1 image added
   *[other] { $count } images added
}
import-duplicates = { $count ->
    [one] 1 image was already in your library
   *[other] { $count } images were already in your library
}
import-skipped = { $count ->
    [one] 1 file was not an image (a viewer program or a web page on the disc, for example)
   *[other] { $count } files were not images (viewer programs or web pages on the disc, for example)
}
import-conflicts = { $count ->
    [one] 1 image has the same identifier as a different image already here: both are kept
   *[other] { $count } images have the same identifier as different images already here: both are kept
}
import-errors = { $count ->
    [one] 1 file could not be read
   *[other] { $count } files could not be read
}
import-cancelled = Cancelled: { $done } of { $total } files done. What was imported is kept.
import-mixed-patients = These images belong to { $count } people: check before sharing them.
import-done = Done
import-problem-unreadable = The file could not be read.
import-problem-damaged = The file is damaged or incomplete.
import-problem-unsupported = This kind of image cannot be stored yet.
import-problem-missing = The disc's index names this file, but it is not on the disc.
import-problem-too-large = The file is too large to import.
import-problem-archive = This part of the zip file is damaged or protected.
import-problem-incomplete = The download ended early.
import-problem-thumbnail = The images are stored, but their preview picture could not be made.
import-error-cannot-read = These files could not be read. Check that the disc, stick or folder is still there.
import-error-network = The download did not work. Check the link and your connection, then try again.
import-error-archive = This zip file is damaged or protected and cannot be opened.
import-error-other = The import did not work. Please try again.
# while the app copies what the patient picked, before the import starts
import-phase-reading = Reading what you picked…
