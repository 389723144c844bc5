# L'écran de la visionneuse (les mots partagés sont dans common.ftl)

## Où l'on est
viewer-slice = Coupe { $n } sur { $count }
viewer-zoom = Zoom { $percent } %
viewer-position = Position { $mm } mm
viewer-thickness = Épaisseur { $mm } mm

## Fenêtre (contraste)
viewer-window = L { $width } · C { $center }
viewer-window-custom = Personnalisée
viewer-inverted = Inversé
viewer-preset-default = Comme dans le fichier
viewer-preset-auto = Plage complète
viewer-preset-ct-brain = Cerveau
viewer-preset-ct-subdural = Sous-dural
viewer-preset-ct-stroke = AVC
viewer-preset-ct-temporal-bone = Rocher
viewer-preset-ct-lung = Poumon
viewer-preset-ct-mediastinum = Médiastin
viewer-preset-ct-abdomen = Abdomen
viewer-preset-ct-liver = Foie
viewer-preset-ct-bone = Os
viewer-preset-ct-spine = Rachis (tissus mous)

## Mesure
viewer-length-mm = { $mm } mm
viewer-length-px = { $px } px (non étalonné)
viewer-calibrated-pixel = Mesuré avec la taille des pixels dans le patient (Pixel Spacing).
viewer-calibrated-imager = Mesuré avec la taille des pixels au détecteur (Imager Pixel Spacing) : les longueurs dans le corps sont en général un peu plus courtes.
viewer-not-calibrated = Non étalonné : cette image ne dit pas la taille de ses pixels, la longueur est donc en pixels.

## Ciné
viewer-cine-rate = { $fps } images/s

## Orientation : les lettres restent celles de DICOM (R, L, A, P, H, F) ; ces mots sont pour les
## lecteurs d'écran
viewer-direction-R = droite
viewer-direction-L = gauche
viewer-direction-A = avant
viewer-direction-P = arrière
viewer-direction-H = tête
viewer-direction-F = pieds
viewer-orientation-spoken = En haut : { $top }. À droite : { $right }. En bas : { $bottom }. À gauche : { $left }.

## The screen's controls
viewer-back = Retour
viewer-appointment = Mode rendez-vous
viewer-presets = Fenêtres
viewer-tool-scroll = Défiler
viewer-tool-window = Fenêtre
viewer-tool-measure = Mesurer
viewer-invert = Inverser
viewer-fit = Ajuster
viewer-reset = Réinitialiser
viewer-clear-measure = Effacer la mesure
viewer-play = Lecture
viewer-pause = Pause
