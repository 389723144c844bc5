//! Who and what an object is about: patient, study, series and instance identity, for listings.
//! These fields are patient data: they are shown to the patient and stored encrypted, never logged.

use dicom_dictionary_std::tags;
use serde::Serialize;

use super::attrs::{float, floats, int, text, Ds};

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    pub patient_name: Option<String>,
    pub patient_id: Option<String>,
    pub patient_birth_date: Option<String>,
    pub patient_sex: Option<String>,
    pub study_instance_uid: Option<String>,
    pub study_date: Option<String>,
    pub study_description: Option<String>,
    pub accession_number: Option<String>,
    pub series_instance_uid: Option<String>,
    pub series_number: Option<i64>,
    pub series_description: Option<String>,
    pub modality: Option<String>,
    pub body_part: Option<String>,
    pub sop_class_uid: Option<String>,
    pub sop_instance_uid: Option<String>,
    pub instance_number: Option<i64>,
    pub image_position_patient: Option<[f64; 3]>,
    pub image_orientation_patient: Option<[f64; 6]>,
    pub slice_location: Option<f64>,
}

/// Read the identity fields of a data set (header-only objects suffice).
pub fn summary(ds: &Ds) -> Summary {
    let ipp = floats(ds, tags::IMAGE_POSITION_PATIENT);
    let iop = floats(ds, tags::IMAGE_ORIENTATION_PATIENT);
    Summary {
        patient_name: text(ds, tags::PATIENT_NAME),
        patient_id: text(ds, tags::PATIENT_ID),
        patient_birth_date: text(ds, tags::PATIENT_BIRTH_DATE),
        patient_sex: text(ds, tags::PATIENT_SEX),
        study_instance_uid: text(ds, tags::STUDY_INSTANCE_UID),
        study_date: text(ds, tags::STUDY_DATE),
        study_description: text(ds, tags::STUDY_DESCRIPTION),
        accession_number: text(ds, tags::ACCESSION_NUMBER),
        series_instance_uid: text(ds, tags::SERIES_INSTANCE_UID),
        series_number: int(ds, tags::SERIES_NUMBER),
        series_description: text(ds, tags::SERIES_DESCRIPTION),
        modality: text(ds, tags::MODALITY),
        body_part: text(ds, tags::BODY_PART_EXAMINED),
        sop_class_uid: text(ds, tags::SOP_CLASS_UID),
        sop_instance_uid: text(ds, tags::SOP_INSTANCE_UID),
        instance_number: int(ds, tags::INSTANCE_NUMBER),
        image_position_patient: (ipp.len() == 3).then(|| [ipp[0], ipp[1], ipp[2]]),
        image_orientation_patient: (iop.len() == 6)
            .then(|| [iop[0], iop[1], iop[2], iop[3], iop[4], iop[5]]),
        slice_location: float(ds, tags::SLICE_LOCATION),
    }
}
