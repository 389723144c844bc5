# L'écran de partage et mes partages (les mots partagés sont dans common.ftl)

## Le formulaire
share-title = Partager avec un médecin
share-studies-label = Quoi partager
share-series-label = { $title } ({ $images })
share-series-untitled = Série { $number }
share-preset-label = Vos informations
share-preset-none = Tout garder
share-preset-none-explained = Les images telles que votre hôpital les a données, avec tous leurs détails.
share-preset-second-opinion = Pour un deuxième avis
share-preset-second-opinion-explained = Garde votre nom, votre date de naissance et les dates de vos examens, dont un médecin a besoin ; retire les noms du personnel et les notes privées du fabricant de l'appareil.
share-preset-research = Anonyme
share-preset-research-explained = Retire votre nom, vos identifiants et toutes les dates, et donne de nouveaux identifiants aux images : pour la recherche, pas pour un médecin qui vous soigne.
share-expiry-label = Le lien fonctionne pendant
share-expiry-days = { $days ->
    [one] 1 jour
   *[other] { $days } jours
}
share-downloads-label = Combien de fois il peut être ouvert
share-downloads-none = Sans limite
share-downloads-count = { $count ->
    [one] Une fois
    [2] Deux fois
   *[other] { $count } fois
}
share-passcode-label = Code secret
share-passcode-use = Demander un code secret (recommandé)
share-passcode-hint = Le médecin a besoin du lien et de ce code. Envoyez-les par deux moyens différents.
share-passcode-suggest = Utiliser un code proposé
share-submit = Créer le lien
share-error-studies = Choisissez au moins un examen à partager.
share-error-series = Choisissez au moins une série de chaque examen partagé.
share-error-expiry = Un lien peut fonctionner de 1 à { $days } jours.
share-error-downloads = Un lien doit pouvoir être ouvert au moins une fois.
share-error-passcode-empty = Tapez un code secret, ou utilisez celui qui est proposé.
share-error-passcode-weak = Ce code est trop facile à deviner : quelqu'un qui a le lien pourrait essayer des codes semblables jusqu'à ouvrir vos images. Utilisez quatre mots ou plus sans rapport entre eux, ou celui-ci : { $suggestion }
share-burned-in-annotation = Certaines images indiquent porter du texte incrusté, qui peut montrer votre nom ou d'autres détails, quel que soit votre choix ci-dessus.
share-burned-in-ultrasound = Les images d'échographie montrent souvent l'écran de l'appareil, qui peut afficher votre nom ou d'autres détails, quel que soit votre choix ci-dessus.
share-burned-in-secondary-capture = Certaines images sont des captures d'écran ou des documents numérisés, qui peuvent montrer votre nom ou d'autres détails, quel que soit votre choix ci-dessus.

## Pendant le partage
share-phase-preparing = Préparation de vos images…
share-phase-resuming = Reprise de l'envoi inachevé…
share-phase-sending = Chiffrement et envoi : { $done } images sur { $total }
share-phase-finishing = Finalisation…
share-phase-stopping = Arrêt en cours…
share-cancel = Arrêter

## Le résultat
share-done-title = Votre lien est prêt
share-message = Je partage mes images médicales avec vous. Ce lien les ouvre dans un navigateur jusqu'au { $date } : { $link }
share-message-passcode = Je partage mes images médicales avec vous. Ce lien les ouvre dans un navigateur jusqu'au { $date } : { $link } Je vous envoie le code secret séparément.
share-passcode-message = Le code secret des images médicales que je vous ai envoyées : { $passcode }
share-passcode-separately = Envoyez le code par un autre moyen que le lien (un SMS si le lien est parti par courriel, par exemple), pour que le lien seul n'ouvre pas vos images.
share-error-unreachable = Le service de partage est injoignable. Vérifiez votre connexion, puis partagez à nouveau : l'envoi reprendra où il s'est arrêté.
share-error-stopped = Partage arrêté. Partagez à nouveau pour reprendre où il s'est arrêté.
share-error-too-large = Ces images sont trop volumineuses pour un seul lien. Partagez moins de séries.
share-error-other = Le lien n'a pas pu être créé. Veuillez réessayer.

## Mes partages
shares-title = Mes partages
shares-empty = Vous n'avez encore partagé aucune image.
shares-study-gone = Un examen qui n'est plus dans votre bibliothèque
shares-state-active = Ouvert jusqu'au { $date }
shares-state-unfinished = Inachevé : partagez à nouveau les mêmes images pour le terminer
shares-state-expired = Expiré le { $date }
shares-state-revoked = Révoqué : le lien n'ouvre plus rien
shares-access-unknown = On ne sait pas encore qui l'a ouvert
shares-access-none = Pas encore ouvert
shares-access-opened = { $count ->
    [one] Ouvert une fois, le { $date }
    [2] Ouvert deux fois, la dernière le { $date }
   *[other] Ouvert { $count } fois, la dernière le { $date }
}
shares-access-denied = { $count ->
    [one] 1 code erroné a été essayé
   *[other] { $count } codes erronés ont été essayés
}
shares-access-locked = Verrouillé après trop de codes erronés
shares-access-failed = Impossible de vérifier qui l'a ouvert (pas de connexion ?)
shares-revoke = Révoquer
shares-revoke-title = Révoquer ce lien ?
shares-revoke-message = Le lien cessera de fonctionner tout de suite, pour tous ceux qui l'ont, et la copie chiffrée sera supprimée du service de partage. C'est définitif.

## The finished share's actions
share-done-send = Envoyer le lien
share-done-show-qr = Afficher le code QR
share-done-send-passcode = Envoyer le code secret
share-done-qr-description = Code QR du lien de partage
shares-refresh = Actualiser
shares-send = Envoyer le lien
