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
