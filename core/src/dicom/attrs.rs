//! Small typed getters over a data set (absent or unparsable values read as `None`).

use dicom_core::Tag;
use dicom_object::InMemDicomObject;

pub(crate) type Ds = InMemDicomObject;

pub(crate) fn text(ds: &Ds, tag: Tag) -> Option<String> {
    let e = ds.get(tag)?;
    let s = e.to_str().ok()?;
    let s = s.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    (!s.is_empty()).then(|| s.to_string())
}

pub(crate) fn int(ds: &Ds, tag: Tag) -> Option<i64> {
    ds.get(tag)?.to_int::<i64>().ok()
}

pub(crate) fn float(ds: &Ds, tag: Tag) -> Option<f64> {
    ds.get(tag)?.to_float64().ok().filter(|v| v.is_finite())
}

pub(crate) fn floats(ds: &Ds, tag: Tag) -> Vec<f64> {
    ds.get(tag)
        .and_then(|e| e.to_multi_float64().ok())
        .unwrap_or_default()
}

pub(crate) fn texts(ds: &Ds, tag: Tag) -> Vec<String> {
    text(ds, tag)
        .map(|s| s.split('\\').map(|p| p.trim().to_string()).collect())
        .unwrap_or_default()
}

pub(crate) fn items(ds: &Ds, tag: Tag) -> &[Ds] {
    ds.get(tag).and_then(|e| e.items()).unwrap_or(&[])
}

pub(crate) fn first_item(ds: &Ds, tag: Tag) -> Option<&Ds> {
    items(ds, tag).first()
}
