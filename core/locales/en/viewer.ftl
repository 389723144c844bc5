# The viewer screen (see common.ftl for the shared words)

## Where we are
# $n: the slice shown (from 1), $count: how many
viewer-slice = Slice { $n } of { $count }
# $percent: the zoom, 100 when fitted
viewer-zoom = Zoom { $percent }%
# $mm: the slice's position along its normal, written out
viewer-position = Position { $mm } mm
viewer-thickness = Thickness { $mm } mm

## Window (contrast)
# $width, $center: written out in modality units (Hounsfield units for CT)
viewer-window = W { $width } · C { $center }
viewer-window-custom = Custom
viewer-inverted = Inverted
viewer-preset-default = As in the file
viewer-preset-auto = Full range
viewer-preset-ct-brain = Brain
viewer-preset-ct-subdural = Subdural
viewer-preset-ct-stroke = Stroke
viewer-preset-ct-temporal-bone = Temporal bone
viewer-preset-ct-lung = Lung
viewer-preset-ct-mediastinum = Mediastinum
viewer-preset-ct-abdomen = Abdomen
viewer-preset-ct-liver = Liver
viewer-preset-ct-bone = Bone
viewer-preset-ct-spine = Spine (soft tissue)

## Measurement
viewer-length-mm = { $mm } mm
viewer-length-px = { $px } px (not calibrated)
viewer-calibrated-pixel = Measured with the image's pixel size in the patient (Pixel Spacing).
viewer-calibrated-imager = Measured with the pixel size at the detector (Imager Pixel Spacing): lengths in the body are usually a little shorter.
viewer-not-calibrated = Not calibrated: this image does not say how large its pixels are, so the length is in pixels.

## Cine
# $fps: frames a second, written out
viewer-cine-rate = { $fps } images/s

## Orientation: the letters stay DICOM's (R, L, A, P, H, F) in every language; these words are
## for screen readers
viewer-direction-R = right
viewer-direction-L = left
viewer-direction-A = front
viewer-direction-P = back
viewer-direction-H = head
viewer-direction-F = feet
viewer-orientation-spoken = Top: { $top }. Right: { $right }. Bottom: { $bottom }. Left: { $left }.

## The screen's controls
viewer-back = Back
viewer-appointment = Appointment mode
viewer-presets = Windows
viewer-tool-scroll = Scroll
viewer-tool-window = Window
viewer-tool-measure = Measure
viewer-invert = Invert
viewer-fit = Fit
viewer-reset = Reset
viewer-clear-measure = Clear measurement
viewer-play = Play
viewer-pause = Pause
