# L'écran de la bibliothèque (les mots partagés sont dans common.ftl)

## L'écran de la bibliothèque
library-empty = Aucune image pour l'instant. Importez un CD, une clé USB, un fichier zip ou un lien de téléchargement pour commencer.
library-no-match = Rien ne correspond à « { $query } ».
library-patient-unnamed = Patient sans nom
library-study-untitled = { $kind }
library-study-undated = Date inconnue
library-study-counts = { $series } · { $images }
delete-study-title = Supprimer cet examen ?
delete-study-message = { $study } sera supprimé de ce téléphone, avec ses images. Les liens que vous avez partagés restent ouverts jusqu'à leur expiration ou leur révocation.
delete-study-confirm = Supprimer
action-cancel = Annuler
