# Scanpass: the words every screen shares, in English. The catalogue is one file per screen in
# this folder; the French folder (../fr) has the same files and ids (a test holds them in step).

## Dates
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
# $day, $month (a name from above), $year
date-long = { $day } { $month } { $year }

## Counts and sizes
count-images = { $count ->
    [one] { $count } image
   *[other] { $count } images
}
count-series = { $count ->
    [one] { $count } series
   *[other] { $count } series
}
count-studies = { $count ->
    [one] { $count } study
   *[other] { $count } studies
}
size-bytes = { $value } bytes
size-kb = { $value } KB
size-mb = { $value } MB
size-gb = { $value } GB
decimal-separator = .

## Kinds of imaging (DICOM Modality), in words
modality-CT = CT scan
modality-MR = MRI
modality-CR = X-ray
modality-DX = X-ray
modality-MG = Mammogram
modality-US = Ultrasound
modality-PT = PET scan
modality-NM = Nuclear medicine scan
modality-XA = Angiogram
modality-RF = Fluoroscopy
modality-OT = Other images
modality-SR = Report
modality-DOC = Document
modality-SEG = Segmentation
modality-RTSTRUCT = Radiotherapy plan
modality-RTDOSE = Radiotherapy dose
modality-RTPLAN = Radiotherapy plan
modality-ECG = ECG
modality-IO = Dental X-ray
modality-PX = Dental panoramic X-ray
modality-OP = Eye photograph
modality-OPT = Eye scan (OCT)
modality-SM = Microscope slide
modality-XC = Photograph
modality-ES = Endoscopy
modality-KO = Key images
modality-PR = Display settings

## Parts of the body (DICOM Body Part Examined), in words
body-HEAD = Head
body-BRAIN = Brain
body-NECK = Neck
body-CSPINE = Neck (spine)
body-TSPINE = Upper back (spine)
body-LSPINE = Lower back (spine)
body-SPINE = Spine
body-CHEST = Chest
body-BREAST = Breast
body-ABDOMEN = Abdomen
body-PELVIS = Pelvis
body-ABDOMENPELVIS = Abdomen and pelvis
body-CHESTABDOMEN = Chest and abdomen
body-SHOULDER = Shoulder
body-ELBOW = Elbow
body-WRIST = Wrist
body-HAND = Hand
body-HIP = Hip
body-KNEE = Knee
body-ANKLE = Ankle
body-FOOT = Foot
body-HEART = Heart
body-EXTREMITY = Arm or leg
body-WHOLEBODY = Whole body
body-SKULL = Skull
body-JAW = Jaw
body-SINUS = Sinuses

## The shell's chrome, on every screen
common-back = Back
common-close = Close
common-done = Done
# the platform's fingerprint or face prompt (its title and its cancel button)
common-biometric-title = Confirm it's you
common-biometric-cancel = Cancel
