# Appointment mode (the shared words are in common.ftl)

appointment-banner = Appointment mode: only these images are shown.
appointment-leave = Leave appointment mode
appointment-hide-name = Hide my name on the images
appointment-biometrics-reason = Confirm it is you to leave appointment mode
appointment-passphrase-prompt = Enter your passphrase to leave appointment mode
appointment-passphrase-empty = Enter your passphrase.
appointment-biometrics-failed = This device did not confirm it is you. Enter your passphrase.
appointment-wrong-passphrase = That passphrase is not the right one.
appointment-locked = Too many wrong passphrases: Scanpass is locked.
