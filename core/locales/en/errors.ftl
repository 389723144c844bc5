# What went wrong, in the patient's words: the sentence every app-facing error carries
# (`reason` of the bindings' ScanpassError). They name nothing of the patient.

error-locked = Your images are locked. Unlock Scanpass to continue.
error-wrong-key = That passphrase does not unlock your images. Please try again.
error-key-store = Scanpass could not reach this device's secure key storage.
error-not-dicom = This file is not a medical image Scanpass can read.
error-no-image = This item has no picture to show (it may be a report or a recording).
error-unsupported = This image is stored in a format Scanpass cannot show yet.
error-damaged = This image is damaged or incomplete and cannot be shown.
error-integrity = Some of your stored images failed their safety check and cannot be opened.
error-storage = Scanpass could not save to this device. Check that there is free space.
error-cannot-read = Scanpass could not read these files. Check that the disk, stick or folder is still there.
error-vault-exists = There is already a Scanpass library in this folder.
error-not-found = This item is no longer in your library.
error-cancelled = The import was stopped.
error-network = The download did not work. Check the link and your connection, then try again.
error-archive = This zip file is damaged or protected and cannot be opened.
error-share-gone = This share is no longer available: it expired, was revoked, or was downloaded as often as allowed.
error-share-locked = This share is locked after too many wrong passcodes. Ask the sender for a new link.
error-passcode-needed = This share needs a passcode. Ask the sender for it.
error-invalid-input = Scanpass cannot do that here.
error-internal = Something went wrong inside Scanpass.
error-wrong-passcode = That passcode does not open this share (or the link was damaged when copied).
error-invalid = Please check what you entered.
