# Le mode rendez-vous (les mots partagés sont dans common.ftl)

appointment-banner = Mode rendez-vous : seules ces images sont affichées.
appointment-leave = Quitter le mode rendez-vous
appointment-hide-name = Masquer mon nom sur les images
appointment-biometrics-reason = Confirmez que c'est vous pour quitter le mode rendez-vous
appointment-passphrase-prompt = Saisissez votre phrase secrète pour quitter le mode rendez-vous
appointment-passphrase-empty = Saisissez votre phrase secrète.
appointment-biometrics-failed = Cet appareil n'a pas confirmé que c'est vous. Saisissez votre phrase secrète.
appointment-wrong-passphrase = Ce n'est pas la bonne phrase secrète.
appointment-locked = Trop de phrases secrètes erronées : Scanpass est verrouillé.
appointment-passphrase = Phrase secrète
appointment-stay = Rester
# $count: wrong passphrases left before Scanpass locks
appointment-attempts-left = { $count ->
    [one] Encore 1 essai avant que Scanpass se verrouille
   *[other] Encore { $count } essais avant que Scanpass se verrouille
}
# iOS's own feature (Settings > Accessibility > Guided Access): only the iOS app shows it
appointment-guided-access = Pour que personne ne quitte Scanpass pendant le rendez-vous, activez l'Accès guidé : Réglages > Accessibilité > Accès guidé, puis triple-clic sur le bouton latéral.
appointment-hidden-while-recorded = Masqué pendant l'enregistrement de l'écran.
