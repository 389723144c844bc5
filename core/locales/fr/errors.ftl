# Ce qui n'a pas marché, dans les mots du patient : la phrase que porte chaque erreur montrée
# par l'app (`reason` de ScanpassError). Elles ne nomment rien du patient.

error-locked = Vos images sont verrouillées. Déverrouillez Scanpass pour continuer.
error-wrong-key = Cette phrase secrète ne déverrouille pas vos images. Veuillez réessayer.
error-key-store = Scanpass n'a pas pu joindre le stockage sécurisé des clés de cet appareil.
error-not-dicom = Ce fichier n'est pas une image médicale que Scanpass sait lire.
error-no-image = Cet élément n'a pas d'image à montrer (c'est peut-être un compte rendu ou un enregistrement).
error-unsupported = Cette image est enregistrée dans un format que Scanpass ne sait pas encore afficher.
error-damaged = Cette image est endommagée ou incomplète et ne peut pas être affichée.
error-integrity = Certaines de vos images enregistrées n'ont pas passé leur contrôle de sécurité et ne peuvent pas être ouvertes.
error-storage = Scanpass n'a pas pu enregistrer sur cet appareil. Vérifiez qu'il reste de l'espace libre.
error-cannot-read = Scanpass n'a pas pu lire ces fichiers. Vérifiez que le disque, la clé ou le dossier est toujours là.
error-vault-exists = Il y a déjà une bibliothèque Scanpass dans ce dossier.
error-not-found = Cet élément n'est plus dans votre bibliothèque.
error-cancelled = L'importation a été arrêtée.
error-network = Le téléchargement n'a pas marché. Vérifiez le lien et votre connexion, puis réessayez.
error-archive = Ce fichier zip est endommagé ou protégé et ne peut pas être ouvert.
error-share-gone = Ce partage n'est plus disponible : il a expiré, a été révoqué ou a été téléchargé autant de fois que permis.
error-share-locked = Ce partage est verrouillé après trop de codes erronés. Demandez un nouveau lien à l'expéditeur.
error-passcode-needed = Ce partage demande un code. Demandez-le à l'expéditeur.
error-invalid-input = Scanpass ne peut pas faire cela ici.
error-internal = Quelque chose n'a pas marché dans Scanpass.
error-wrong-passcode = Ce code n'ouvre pas ce partage (ou le lien a été abîmé en le copiant).
error-invalid = Veuillez vérifier ce que vous avez saisi.
