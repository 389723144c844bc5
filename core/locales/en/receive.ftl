# The receive screen (see common.ftl for the shared words)

receive-title = Open a shared link
receive-link-label = Paste or scan the link
receive-scan = Scan a QR code
receive-link-empty = Paste the link you received first.
receive-link-bad = This is not a Scanpass link, or it was cut when copied. Copy the whole link again.
receive-passcode-label = Passcode
receive-passcode-prompt = These images are protected by a passcode. The person who shared them sent it to you separately.
receive-passcode-empty = Type the passcode you received.
receive-passcode-wrong = That passcode does not open these images.
receive-passcode-wrong-left = { $count ->
    [one] That passcode does not open these images. 1 attempt left before the link locks.
   *[other] That passcode does not open these images. { $count } attempts left before the link locks.
}
receive-submit = Open
receive-phase-opening = Opening the link…
# $done and $total: numbers of images
receive-phase-receiving = Receiving images: { $done } of { $total }
receive-phase-finishing = Finishing…
receive-cancel = Stop
receive-done-title = Images received
receive-deidentified = The sender removed details that identify the patient.
receive-burned-in = Some images may show the patient's name or other details in the picture.
receive-error-gone = This link no longer opens anything: it expired, was revoked, or was opened as often as allowed. Ask the sender for a new link.
receive-error-not-found = Nothing is shared at this link: it may have been cut when copied.
receive-error-locked = This link is locked after too many wrong passcodes. Try again later, or ask the sender to unlock it.
receive-error-damaged = The shared images could not be decrypted: the link may have been changed when copied.
receive-error-unreachable = The sharing service cannot be reached. Check your connection, then try again.
receive-error-stopped = Receiving stopped. What arrived is kept; open the link again to get the rest.
receive-error-other = The images could not be received. Please try again.
receive-paste = Paste
receive-no-qr = No QR code could be read in that picture. Try again closer, or paste the link.

# The live QR scanner (the camera's picture, read by itself)
receive-scanner-title = Scan the QR code
receive-scanner-hint = Hold the QR code inside the frame. It is read by itself.
receive-scanner-refused = Scanpass may not use the camera, so it cannot read the QR code. Allow the camera, or close this and paste the link.
receive-scanner-unavailable = The camera cannot be used right now. Take a photo instead, or close this and paste the link.
receive-scanner-allow = Allow the camera
receive-scanner-photo = Take a photo instead
