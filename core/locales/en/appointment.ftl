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
appointment-passphrase = Passphrase
appointment-stay = Stay
# $count: wrong passphrases left before Scanpass locks
appointment-attempts-left = { $count ->
    [one] 1 try left before Scanpass locks
   *[other] { $count } tries left before Scanpass locks
}
# iOS's own feature (Settings > Accessibility > Guided Access): only the iOS app shows it
appointment-guided-access = To keep anyone from leaving Scanpass during the appointment, turn on Guided Access: Settings > Accessibility > Guided Access, then triple-click the side button.
appointment-hidden-while-recorded = Hidden while the screen is being recorded.
