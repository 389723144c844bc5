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
