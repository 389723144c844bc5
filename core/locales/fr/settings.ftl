# Les réglages (les mots partagés sont dans common.ftl)

settings-title = Réglages
settings-relay = Serveur de partage
settings-relay-help = Vos partages passent par ce serveur, chiffrés : il ne voit jamais vos images ni la clé.
settings-relay-not-https = Utilisez une adresse qui commence par https:// (ou http:// vers cet appareil).
settings-relay-credentials = Retirez le nom d'utilisateur et le mot de passe de l'adresse.
settings-relay-extra = Retirez ce qui suit ? ou # dans l'adresse.
settings-auto-lock = Verrouiller automatiquement
autolock-on-leave = Quand je quitte l'application
autolock-after = { $minutes ->
    [one] Après 1 minute
    [60] Après 1 heure
   *[other] Après { $minutes } minutes
}
autolock-never = Jamais
settings-language = Langue
settings-language-device = Celle de cet appareil
# le nom de cette langue, dans cette langue
language-name = Français
settings-relay-save = Utiliser ce serveur
settings-relay-default = Utiliser le serveur par défaut
settings-device-unlock = Déverrouiller avec l'empreinte ou le visage
settings-device-unlock-help = Sur ce téléphone seulement. Votre phrase secrète ouvre toujours Scanpass, et il vous la faut sur un nouveau téléphone.
settings-device-unlock-not-enrolled = Ajoutez d'abord une empreinte ou un visage dans les réglages du téléphone.
settings-device-unlock-unavailable = Ce téléphone ne peut pas déverrouiller Scanpass avec une empreinte ou un visage.
settings-device-unlock-failed = Le déverrouillage par empreinte ou visage n'a pas été activé. Vous pouvez réessayer.
