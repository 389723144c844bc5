# The start and lock screen (the shared words are in common.ftl)

## Creating the vault
start-create-title = Keep your images safe
start-create-message = Your images are encrypted on this device. Choose a passphrase: you will need it to open Scanpass.
start-passphrase = Passphrase
start-confirm = Passphrase again
start-passphrase-hint = Four or more words that do not belong together are easy to remember and hard to guess.
start-create = Create
start-passphrase-empty = Choose a passphrase.
start-passphrase-weak = This passphrase is too easy to guess. Use four or more words that do not belong together.
start-passphrase-mismatch = The two passphrases are not the same.

## Locked
start-locked-title = Scanpass is locked
start-locked-message = Unlock to see your images.
start-unlock = Unlock
start-unlock-device = Unlock with fingerprint or face
start-lock = Lock
start-wrong-passphrase = That passphrase does not unlock your images. Please try again.
start-wait = Too many wrong passphrases. Try again in { $seconds ->
    [one] 1 second
   *[other] { $seconds } seconds
}.
start-device-refused = Your fingerprint or face did not unlock Scanpass. Use your passphrase.
start-auto-locked = Scanpass locked itself after { $minutes ->
    [one] 1 minute
   *[other] { $minutes } minutes
} without use.
start-auto-locked-on-leave = Scanpass locked itself when you left it.
# $count: wrong passphrases left before a wait
start-attempts-left = { $count ->
    [one] 1 try left
   *[other] { $count } tries left
}
