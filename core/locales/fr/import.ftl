# L'écran d'import (les mots partagés sont dans common.ftl)

## D'où viennent les images
import-title = Ajouter des images
import-source-folder = Un CD, un DVD ou une clé USB
import-source-folder-detail = Choisissez le dossier qui contient les fichiers du disque ou de la clé.
import-source-zip = Un fichier zip
import-source-zip-detail = Un téléchargement depuis le portail d'un hôpital ou d'une clinique, enregistré en zip.
import-source-files = Des fichiers d'images
import-source-files-detail = Un ou plusieurs fichiers DICOM que vous avez enregistrés.
import-source-link = Un lien de téléchargement
import-source-link-detail = Un lien du portail de votre établissement, avec son code d'accès s'il en a un.
import-link-url = Lien
import-link-token = Code d'accès (si le portail vous en a donné un)
import-link-submit = Télécharger
import-link-bad = Ce n'est pas un lien que Scanpass peut télécharger. Il doit commencer par https://.

## Pendant l'import
import-phase-searching = Recherche des images…
import-phase-importing = Ajout des images…
import-phase-finishing = Finalisation…
import-phase-stopping = Arrêt en cours…
import-files = { $done } fichiers sur { $total }
import-bytes = { $done } sur { $total }
import-time-estimating = Estimation du temps restant…
import-time-seconds = Quelques secondes restantes
import-time-minute = Moins d'une minute restante
import-time-minutes = Environ { $minutes } minutes restantes
import-time-hours = { $hours ->
    [one] Environ une heure restante
   *[other] Environ { $hours } heures restantes
}
import-cancel = Arrêter

## À la fin
import-done-title = Import terminé
import-cancelled-title = Import arrêté
import-failed-title = Rien n'a pu être importé
import-added = { $count ->
    [0] Aucune nouvelle image ajoutée
    [one] 1 image ajoutée
   *[other] { $count } images ajoutées
}
import-duplicates = { $count ->
    [one] 1 image était déjà dans votre bibliothèque
   *[other] { $count } images étaient déjà dans votre bibliothèque
}
import-skipped = { $count ->
    [one] 1 fichier n'était pas une image (un logiciel de visualisation ou une page web du disque, par exemple)
   *[other] { $count } fichiers n'étaient pas des images (logiciels de visualisation ou pages web du disque, par exemple)
}
import-conflicts = { $count ->
    [one] 1 image porte le même identifiant qu'une autre image déjà présente : les deux sont gardées
   *[other] { $count } images portent le même identifiant que d'autres images déjà présentes : toutes sont gardées
}
import-errors = { $count ->
    [one] 1 fichier n'a pas pu être lu
   *[other] { $count } fichiers n'ont pas pu être lus
}
import-cancelled = Arrêté : { $done } fichiers sur { $total } traités. Ce qui a été importé est gardé.
import-mixed-patients = Ces images appartiennent à { $count } personnes : vérifiez avant de les partager.
import-done = Terminé
import-problem-unreadable = Le fichier n'a pas pu être lu.
import-problem-damaged = Le fichier est endommagé ou incomplet.
import-problem-unsupported = Ce type d'image ne peut pas encore être enregistré.
import-problem-missing = L'index du disque nomme ce fichier, mais il n'est pas sur le disque.
import-problem-too-large = Le fichier est trop volumineux pour être importé.
import-problem-archive = Cette partie du fichier zip est endommagée ou protégée.
import-problem-incomplete = Le téléchargement s'est arrêté avant la fin.
import-problem-thumbnail = Les images sont enregistrées, mais leur aperçu n'a pas pu être créé.
import-error-cannot-read = Ces fichiers n'ont pas pu être lus. Vérifiez que le disque, la clé ou le dossier est toujours là.
import-error-network = Le téléchargement n'a pas fonctionné. Vérifiez le lien et votre connexion, puis réessayez.
import-error-archive = Ce fichier zip est endommagé ou protégé et ne peut pas être ouvert.
import-error-other = L'import n'a pas fonctionné. Veuillez réessayer.
# while the app copies what the patient picked, before the import starts
import-phase-reading = Lecture de ce que vous avez choisi…
