# The share screen and my shares (see common.ftl for the shared words)

## The form
share-title = Share with a doctor
share-studies-label = What to share
# $count: images in the series; $kind: the kind of imaging in words
share-series-label = { $title } ({ $images })
share-series-untitled = Series { $number }
share-preset-label = Details about you
share-preset-none = Keep everything
share-preset-none-explained = The images as your hospital gave them, with every detail they carry.
share-preset-second-opinion = For a second opinion
share-preset-second-opinion-explained = Keeps your name, birth date and the dates of your scans, which a doctor needs; removes the names of staff and the scanner maker's private notes.
share-preset-research = Anonymous
share-preset-research-explained = Removes your name, your identifiers and all dates, and gives the images new identifiers: for research, not for a doctor who treats you.
share-expiry-label = The link works for
share-expiry-days = { $days ->
    [one] 1 day
   *[other] { $days } days
}
share-downloads-label = How many times it can be opened
share-downloads-none = No limit
share-downloads-count = { $count ->
    [one] Once
    [2] Twice
   *[other] { $count } times
}
share-passcode-label = Passcode
share-passcode-use = Ask for a passcode (recommended)
share-passcode-hint = The doctor needs the link and this passcode. Send them by two different ways.
share-passcode-suggest = Use a suggested passcode
share-submit = Create the link
share-error-studies = Choose at least one study to share.
share-error-series = Choose at least one series of each study you share.
share-error-expiry = A link can work from 1 to { $days } days.
share-error-downloads = A link must be allowed to open at least once.
share-error-passcode-empty = Type a passcode, or use the suggested one.
share-error-passcode-weak = This passcode is too easy to guess: someone who has the link could try passcodes like it until one opens your images. Use four or more words that do not belong together, or this one: { $suggestion }
share-burned-in-annotation = Some images say they carry text burned into the picture, which may show your name or other details, whatever you choose above.
share-burned-in-ultrasound = Ultrasound images usually show the scanner's screen, which may show your name or other details, whatever you choose above.
share-burned-in-secondary-capture = Some images are screenshots or scanned documents, which may show your name or other details, whatever you choose above.

## While sharing
share-phase-preparing = Preparing your images…
share-phase-resuming = Picking up the unfinished upload…
# $done and $total: numbers of images
share-phase-sending = Encrypting and sending: { $done } of { $total } images
share-phase-finishing = Finishing…
share-phase-stopping = Stopping…
share-cancel = Stop

## The result
share-done-title = Your link is ready
# $link: the link; $date: its last day
share-message = I am sharing my medical images with you. This link opens them in a web browser until { $date }: { $link }
share-message-passcode = I am sharing my medical images with you. This link opens them in a web browser until { $date }: { $link } I will send you the passcode separately.
share-passcode-message = The passcode for the medical images I sent you: { $passcode }
share-passcode-separately = Send the passcode another way than the link (a text message if the link went by e-mail, for example), so that the link alone does not open your images.
share-error-unreachable = The sharing service cannot be reached. Check your connection, then share again: the upload picks up where it stopped.
share-error-stopped = Sharing stopped. Share again to pick up where it stopped.
share-error-too-large = These images are too large for one link. Share fewer series.
share-error-other = The link could not be created. Please try again.

## My shares
shares-title = My shares
shares-empty = You have not shared any images yet.
shares-study-gone = A study no longer in your library
# $date: the link's last day
shares-state-active = Open until { $date }
shares-state-unfinished = Not finished: share the same images again to complete it
shares-state-expired = Expired on { $date }
shares-state-revoked = Revoked: the link no longer opens anything
shares-access-unknown = Who opened it is not known yet
shares-access-none = Not opened yet
# $count: times opened; $date: the last one
shares-access-opened = { $count ->
    [one] Opened once, on { $date }
    [2] Opened twice, last on { $date }
   *[other] Opened { $count } times, last on { $date }
}
shares-access-denied = { $count ->
    [one] 1 wrong passcode was tried
   *[other] { $count } wrong passcodes were tried
}
shares-access-locked = Locked after too many wrong passcodes
shares-access-failed = Could not check who opened it (no connection?)
shares-revoke = Revoke
shares-revoke-title = Revoke this link?
shares-revoke-message = The link will stop working at once, for everyone who has it, and the encrypted copy is deleted from the sharing service. This cannot be undone.

## The finished share's actions
share-done-send = Send the link
share-done-show-qr = Show the QR code
share-done-send-passcode = Send the passcode
share-done-qr-description = QR code of the share link
shares-refresh = Refresh
shares-send = Send the link
