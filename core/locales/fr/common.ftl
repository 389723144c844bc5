# Scanpass : les mots que tous les écrans partagent, en français. Un fichier par écran dans ce
# dossier ; le dossier anglais (../en) a les mêmes fichiers et identifiants (un test y veille).

## Dates
month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre
date-long = { $day } { $month } { $year }

## Nombres et tailles
count-images = { $count ->
    [one] { $count } image
   *[other] { $count } images
}
count-series = { $count ->
    [one] { $count } série
   *[other] { $count } séries
}
count-studies = { $count ->
    [one] { $count } examen
   *[other] { $count } examens
}
size-bytes = { $value } octets
size-kb = { $value } ko
size-mb = { $value } Mo
size-gb = { $value } Go
decimal-separator = ,

## Types d'imagerie (Modality DICOM)
modality-CT = Scanner
modality-MR = IRM
modality-CR = Radiographie
modality-DX = Radiographie
modality-MG = Mammographie
modality-US = Échographie
modality-PT = TEP (PET-scan)
modality-NM = Scintigraphie
modality-XA = Angiographie
modality-RF = Radioscopie
modality-OT = Autres images
modality-SR = Compte rendu
modality-DOC = Document
modality-SEG = Segmentation
modality-RTSTRUCT = Plan de radiothérapie
modality-RTDOSE = Dose de radiothérapie
modality-RTPLAN = Plan de radiothérapie
modality-ECG = ECG
modality-IO = Radiographie dentaire
modality-PX = Panoramique dentaire
modality-OP = Photographie de l'œil
modality-OPT = Examen de l'œil (OCT)
modality-SM = Lame de microscope
modality-XC = Photographie
modality-ES = Endoscopie
modality-KO = Images clés
modality-PR = Réglages d'affichage

## Parties du corps (Body Part Examined DICOM)
body-HEAD = Tête
body-BRAIN = Cerveau
body-NECK = Cou
body-CSPINE = Cou (colonne cervicale)
body-TSPINE = Dos (colonne dorsale)
body-LSPINE = Bas du dos (colonne lombaire)
body-SPINE = Colonne vertébrale
body-CHEST = Thorax
body-BREAST = Sein
body-ABDOMEN = Abdomen
body-PELVIS = Bassin
body-ABDOMENPELVIS = Abdomen et bassin
body-CHESTABDOMEN = Thorax et abdomen
body-SHOULDER = Épaule
body-ELBOW = Coude
body-WRIST = Poignet
body-HAND = Main
body-HIP = Hanche
body-KNEE = Genou
body-ANKLE = Cheville
body-FOOT = Pied
body-HEART = Cœur
body-EXTREMITY = Bras ou jambe
body-WHOLEBODY = Corps entier
body-SKULL = Crâne
body-JAW = Mâchoire
body-SINUS = Sinus

## The shell's chrome, on every screen
common-back = Retour
common-close = Fermer
common-done = Terminé
# l'invite d'empreinte ou de visage du système (son titre et son bouton d'annulation)
common-biometric-title = Confirmez que c'est vous
common-biometric-cancel = Annuler
