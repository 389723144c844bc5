# L'écran de démarrage et de verrouillage (les mots partagés sont dans common.ftl)

## Création du coffre
start-create-title = Gardez vos images en sécurité
start-create-message = Vos images sont chiffrées sur cet appareil. Choisissez une phrase secrète : il vous la faudra pour ouvrir Scanpass.
start-passphrase = Phrase secrète
start-confirm = Phrase secrète, encore
start-passphrase-hint = Quatre mots ou plus qui ne vont pas ensemble sont faciles à retenir et difficiles à deviner.
start-create = Créer
start-passphrase-empty = Choisissez une phrase secrète.
start-passphrase-weak = Cette phrase secrète est trop facile à deviner. Utilisez quatre mots ou plus qui ne vont pas ensemble.
start-passphrase-mismatch = Les deux phrases secrètes ne sont pas identiques.

## Verrouillé
start-locked-title = Scanpass est verrouillé
start-locked-message = Déverrouillez pour voir vos images.
start-unlock = Déverrouiller
start-unlock-device = Déverrouiller avec l'empreinte ou le visage
start-lock = Verrouiller
start-wrong-passphrase = Cette phrase secrète n'ouvre pas vos images. Veuillez réessayer.
start-wait = Trop de phrases secrètes erronées. Réessayez dans { $seconds ->
    [one] 1 seconde
   *[other] { $seconds } secondes
}.
start-device-refused = Votre empreinte ou votre visage n'a pas déverrouillé Scanpass. Utilisez votre phrase secrète.
start-auto-locked = Scanpass s'est verrouillé après { $minutes ->
    [one] 1 minute
   *[other] { $minutes } minutes
} sans utilisation.
start-auto-locked-on-leave = Scanpass s'est verrouillé quand vous l'avez quitté.
# $count: wrong passphrases left before a wait
start-attempts-left = { $count ->
    [one] Encore 1 essai
   *[other] Encore { $count } essais
}
