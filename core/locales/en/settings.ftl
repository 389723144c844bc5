# Settings (the shared words are in common.ftl)

settings-title = Settings
settings-relay = Share server
settings-relay-help = Your shares go through this server, encrypted: it never sees your images or the key.
settings-relay-not-https = Use an address that starts with https:// (or http:// to this device).
settings-relay-credentials = Leave the user name and password out of the address.
settings-relay-extra = Leave anything after ? or # out of the address.
settings-auto-lock = Lock automatically
autolock-on-leave = When I leave the app
autolock-after = { $minutes ->
    [one] After 1 minute
    [60] After 1 hour
   *[other] After { $minutes } minutes
}
autolock-never = Never
settings-language = Language
settings-language-device = Same as this device
# this language's name, in itself
language-name = English
settings-relay-save = Use this server
settings-relay-default = Use the default server
settings-device-unlock = Unlock with fingerprint or face
settings-device-unlock-help = On this phone only. Your passphrase still opens Scanpass, and you need it on a new phone.
settings-device-unlock-not-enrolled = Add a fingerprint or face in your phone's settings first.
settings-device-unlock-unavailable = This phone cannot unlock Scanpass with a fingerprint or face.
settings-device-unlock-failed = Fingerprint or face unlock was not turned on. You can try again.
