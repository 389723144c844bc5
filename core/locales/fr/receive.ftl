# L'écran de réception (les mots partagés sont dans common.ftl)

receive-title = Ouvrir un lien partagé
receive-link-label = Collez ou scannez le lien
receive-scan = Scanner un code QR
receive-link-empty = Collez d'abord le lien que vous avez reçu.
receive-link-bad = Ce n'est pas un lien Scanpass, ou il a été coupé lors de la copie. Copiez à nouveau le lien entier.
receive-passcode-label = Code secret
receive-passcode-prompt = Ces images sont protégées par un code secret. La personne qui les a partagées vous l'a envoyé séparément.
receive-passcode-empty = Tapez le code secret reçu.
receive-passcode-wrong = Ce code n'ouvre pas ces images.
receive-passcode-wrong-left = { $count ->
    [one] Ce code n'ouvre pas ces images. Encore 1 essai avant que le lien se verrouille.
   *[other] Ce code n'ouvre pas ces images. Encore { $count } essais avant que le lien se verrouille.
}
receive-submit = Ouvrir
receive-phase-opening = Ouverture du lien…
receive-phase-receiving = Réception des images : { $done } sur { $total }
receive-phase-finishing = Finalisation…
receive-cancel = Arrêter
receive-done-title = Images reçues
receive-deidentified = L'expéditeur a retiré les détails qui identifient le patient.
receive-burned-in = Certaines images peuvent montrer le nom du patient ou d'autres détails dans l'image.
receive-error-gone = Ce lien n'ouvre plus rien : il a expiré, a été révoqué ou a été ouvert autant de fois que permis. Demandez un nouveau lien à l'expéditeur.
receive-error-not-found = Rien n'est partagé à ce lien : il a peut-être été coupé lors de la copie.
receive-error-locked = Ce lien est verrouillé après trop de codes erronés. Réessayez plus tard, ou demandez à l'expéditeur de le déverrouiller.
receive-error-damaged = Les images partagées n'ont pas pu être déchiffrées : le lien a peut-être été modifié lors de la copie.
receive-error-unreachable = Le service de partage est injoignable. Vérifiez votre connexion, puis réessayez.
receive-error-stopped = Réception arrêtée. Ce qui est arrivé est gardé ; ouvrez à nouveau le lien pour recevoir le reste.
receive-error-other = Les images n'ont pas pu être reçues. Veuillez réessayer.
receive-paste = Coller
receive-no-qr = Aucun code QR n'a pu être lu sur cette image. Réessayez de plus près, ou collez le lien.

# Le lecteur de code QR en direct (l'image de l'appareil photo, lue d'elle-même)
receive-scanner-title = Scanner le code QR
receive-scanner-hint = Placez le code QR dans le cadre. Il est lu tout seul.
receive-scanner-refused = Scanpass n'a pas le droit d'utiliser l'appareil photo et ne peut donc pas lire le code QR. Autorisez l'appareil photo, ou fermez et collez le lien.
receive-scanner-unavailable = L'appareil photo ne peut pas être utilisé pour le moment. Prenez une photo à la place, ou fermez et collez le lien.
receive-scanner-allow = Autoriser l'appareil photo
receive-scanner-photo = Prendre une photo à la place
