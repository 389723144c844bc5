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

## The library's own words and its ways to the other screens
library-title = Vos images
library-search = Rechercher
library-more = Plus
library-action-import = Ajouter des images
library-action-receive = Ouvrir un lien partagé
library-action-my-shares = Mes partages
library-action-requests = Demander vos images
library-action-settings = Réglages
library-share = Partager
library-show-doctor = Montrer au médecin
# $study: the study's title and date ("CT scan, 15 January 2026"), for screen readers
library-share-study = Partager { $study }
library-delete-study = Supprimer { $study }
