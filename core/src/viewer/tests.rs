use super::cache::MIB;
use super::*;
use crate::import::{import, CancelToken, Silent, Source};
use crate::phantom::{self, PhantomSpec};
use crate::vault::PassphraseKeyStore;

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "sp-viewer-{tag}-{}-{}",
        std::process::id(),
        rand::random::<u64>()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A vault holding a phantom CT of `slices` slices (written in reverse order on disk) and a cine.
fn vault_with(slices: u32, cine_frames: u32) -> (Arc<Vault>, std::path::PathBuf) {
    let dir = temp_dir("vault");
    let keys = PassphraseKeyStore::new(&dir, "pw").with_cost(1024, 1);
    let vault = Arc::new(Vault::create(&dir, &keys).unwrap());
    let src = temp_dir("src");
    let spec = PhantomSpec {
        slices,
        size: 48,
        seed: 9,
    };
    for (i, f) in phantom::ct_series(spec).unwrap().iter().enumerate() {
        std::fs::write(src.join(format!("S{:04}", slices as usize - i)), f).unwrap();
    }
    if cine_frames > 0 {
        std::fs::write(
            src.join("CINE"),
            phantom::cine(cine_frames, 24, 40).unwrap(),
        )
        .unwrap();
    }
    let s = import(&vault, &[Source::Path(src)], &Silent, &CancelToken::new()).unwrap();
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    (vault, dir)
}

fn series_by_modality(vault: &Vault, modality: &str) -> String {
    for st in vault.studies().unwrap() {
        for se in vault.series(&st.id).unwrap() {
            if se.modality.as_deref() == Some(modality) {
                return se.id;
            }
        }
    }
    panic!("no {modality} series");
}

#[test]
fn slices_render_like_the_vault_and_come_in_geometric_order() {
    let (vault, _dir) = vault_with(10, 0);
    let series = series_by_modality(&vault, "CT");
    let v = Viewer::open(vault.clone(), &series).unwrap();
    assert_eq!(v.slice_count(), 10);
    let g = v.geometry().clone();
    assert_eq!((g.rows, g.cols), (48, 48));
    assert!(g.pixel_spacing.is_some());
    let spacing = g.slice_spacing.expect("phantom slices have positions");
    assert!(spacing > 0.0, "{spacing}");
    assert!(v.cine().is_none(), "a CT of single frames is not a cine");
    // positions increase along the normal, slice by slice
    let z: Vec<f64> = (0..10)
        .map(|n| v.slice_info(n).unwrap().position.unwrap()[2])
        .collect();
    assert!(z.windows(2).all(|w| w[1] > w[0]), "{z:?}");
    for n in [0u32, 4, 9] {
        let voi = Voi::preset("ct-brain").unwrap();
        let (img, applied) = v.render(n, &voi).unwrap();
        let (want, want_applied) =
            crate::library::render(&vault, &series, n as usize, 0, &voi).unwrap();
        assert_eq!(img.rgba, want.rgba, "slice {n}");
        assert_eq!(applied, want_applied);
    }
    // slices differ from each other (the phantom changes along z)
    let brain = Voi::preset("ct-brain").unwrap();
    let a = v.render(3, &brain).unwrap().0.rgba;
    let b = v.render(6, &brain).unwrap().0.rgba;
    assert!(a != b, "slices 3 and 6 render alike");
    let err = v.render(10, &Voi::Default).err();
    assert!(
        matches!(
            err,
            Some(Error::FrameOutOfRange {
                frame: 10,
                frames: 10
            })
        ),
        "{err:?}"
    );
}

#[test]
fn render_into_keeps_the_callers_prefix() {
    let (vault, _dir) = vault_with(3, 0);
    let series = series_by_modality(&vault, "CT");
    let v = Viewer::open(vault.clone(), &series).unwrap();
    let mut buf = vec![7u8; 4];
    let r = v.render_into(1, &Voi::Auto, &mut buf, 4).unwrap();
    assert_eq!(&buf[..4], &[7, 7, 7, 7]);
    assert_eq!(buf.len(), 4 + (r.width * r.height * 4) as usize);
    assert_eq!(&buf[4..], &v.render(1, &Voi::Auto).unwrap().0.rgba[..]);
}

#[test]
fn neighbours_are_prefetched_ahead_of_the_scroll_and_the_cache_stays_bounded() {
    let (vault, _dir) = vault_with(12, 0);
    let series = series_by_modality(&vault, "CT");
    // room for three 48 × 48 16-bit slices
    let slice_bytes = 48 * 48 * 2;
    let v = Viewer::with_limits(vault.clone(), &series, 3 * slice_bytes, 2).unwrap();
    v.render(5, &Voi::Default).unwrap();
    v.wait_prefetch_idle();
    // three slices fit: the one shown and its two nearest, ahead first
    assert!(
        v.is_cached(5) && v.is_cached(6) && v.is_cached(4),
        "the shown slice and its neighbours"
    );
    assert!(!v.is_cached(7), "no prefetch past what the cache holds");
    assert!(
        v.cached_bytes() <= 3 * slice_bytes,
        "{} > {}",
        v.cached_bytes(),
        3 * slice_bytes
    );
    // scrolling back turns the direction
    v.render(4, &Voi::Default).unwrap();
    v.wait_prefetch_idle();
    assert!(
        v.is_cached(3) && v.is_cached(4),
        "behind, now the scroll's way"
    );
    assert!(v.cached_bytes() <= 3 * slice_bytes);
    // a viewer without prefetch caches only what it showed
    let quiet = Viewer::with_limits(vault.clone(), &series, 1 << 20, 0).unwrap();
    quiet.render(5, &Voi::Default).unwrap();
    assert!(quiet.is_cached(5) && !quiet.is_cached(6));
}

#[test]
fn the_prefetch_reaches_further_ahead_than_behind() {
    let (vault, _dir) = vault_with(24, 0);
    let series = series_by_modality(&vault, "CT");
    // radius 2: two behind, eight ahead, with room for all of them
    let v = Viewer::with_limits(vault.clone(), &series, 1 << 24, 2).unwrap();
    v.render(10, &Voi::Default).unwrap();
    v.wait_prefetch_idle();
    let cached: Vec<u32> = (0..24).filter(|&n| v.is_cached(n)).collect();
    assert_eq!(cached, (8..=18).collect::<Vec<_>>());
    // going back turns it round: eight below, two above
    v.render(9, &Voi::Default).unwrap();
    v.wait_prefetch_idle();
    assert!(
        (1..=11).all(|n| v.is_cached(n)),
        "{:?}",
        (0..24).filter(|&n| v.is_cached(n)).collect::<Vec<_>>()
    );
    assert!(!v.is_cached(0) && !v.is_cached(19));
}

#[test]
fn locking_the_vault_drops_decoded_pixels_and_refuses_renders() {
    let (vault, dir) = vault_with(6, 0);
    let series = series_by_modality(&vault, "CT");
    let v = Viewer::open(vault.clone(), &series).unwrap();
    v.render(2, &Voi::Default).unwrap();
    v.wait_prefetch_idle();
    assert!(v.cached_bytes() > 0);
    vault.lock();
    assert_eq!(v.cached_bytes(), 0, "lock empties the cache");
    assert!(matches!(v.render(2, &Voi::Default), Err(Error::Locked)));
    let keys = PassphraseKeyStore::new(&dir, "pw").with_cost(1024, 1);
    vault.unlock(&keys).unwrap();
    assert!(
        v.render(2, &Voi::Default).is_ok(),
        "works again once unlocked"
    );
}

#[test]
fn a_multi_frame_object_plays_as_cine_at_its_frame_time() {
    let (vault, _dir) = vault_with(2, 16);
    let series = series_by_modality(&vault, "US");
    let v = Viewer::open(vault.clone(), &series).unwrap();
    assert_eq!(v.slice_count(), 16);
    let cine = v.cine().expect("frame time is set");
    assert_eq!(cine.frames, 16);
    assert!((cine.frame_interval_ms - 33.3).abs() < 1e-9);
    assert_eq!(v.slice_info(5).unwrap().frame, 5);
    // the phantom disc moves one column per frame: frames differ
    let f0 = v.render(0, &Voi::Default).unwrap().0.rgba;
    let f1 = v.render(1, &Voi::Default).unwrap().0.rgba;
    assert_ne!(f0, f1);
    let direct = crate::library::render(&vault, &series, 0, 1, &Voi::Default)
        .unwrap()
        .0
        .rgba;
    assert_eq!(f1, direct);
}

#[test]
fn patients_group_studies_and_ids_are_opaque() {
    let (vault, _dir) = vault_with(2, 0);
    let p = vault.patients().unwrap();
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].name.as_deref(), Some(phantom::PATIENT_NAME));
    assert!(
        !p[0].id.contains("PHANTOM"),
        "id says nothing of the patient"
    );
    assert_eq!(vault.studies_of(&p[0].id).unwrap().len(), 1);
    assert!(matches!(vault.studies_of("nope"), Err(Error::NotFound(_))));
}

#[test]
fn memory_pressure_drops_the_cache_to_the_slice_on_screen() {
    let (vault, _dir) = vault_with(12, 0);
    let series = series_by_modality(&vault, "CT");
    let slice_bytes = 48 * 48 * 2;
    let v = Viewer::with_limits(vault.clone(), &series, 12 * slice_bytes, 4).unwrap();
    // fill the cache: the slice shown and its prefetched neighbours
    let before = v.render(6, &Voi::Default).unwrap();
    v.wait_prefetch_idle();
    let filled = v.cached_bytes();
    assert!(filled >= 9 * slice_bytes, "filled {filled}");
    let freed = v.memory_pressure();
    assert_eq!(
        v.cached_bytes(),
        slice_bytes,
        "only the slice on screen stays"
    );
    assert_eq!(freed, filled - slice_bytes);
    assert!(v.is_cached(6) && !v.is_cached(7) && !v.is_cached(5));
    // the next render still works, the same pixels, and the prefetch resumes
    assert_eq!(v.render(6, &Voi::Default).unwrap(), before);
    assert_eq!(
        v.render(7, &Voi::Default).unwrap().0.rgba.len(),
        48 * 48 * 4
    );
    v.wait_prefetch_idle();
    assert!(v.is_cached(8), "prefetch after pressure");
    // pressure before anything was shown frees nothing and breaks nothing
    let fresh = Viewer::with_limits(vault.clone(), &series, 12 * slice_bytes, 4).unwrap();
    assert_eq!(fresh.memory_pressure(), 0);
    assert!(fresh.render(0, &Voi::Default).is_ok());
}

#[test]
fn the_cache_budget_follows_the_platform_and_the_device_memory() {
    const GIB: u64 = 1 << 30;
    assert_eq!(cache_budget(Platform::Android, Some(4 * GIB)), 128 * MIB);
    assert_eq!(cache_budget(Platform::Ios, Some(4 * GIB)), 128 * MIB);
    assert_eq!(
        cache_budget(Platform::Android, Some(GIB)),
        48 * MIB,
        "floor"
    );
    assert_eq!(
        cache_budget(Platform::Ios, Some(12 * GIB)),
        192 * MIB,
        "ceiling"
    );
    assert_eq!(cache_budget(Platform::Ios, None), 96 * MIB);
    assert_eq!(
        cache_budget(Platform::Desktop, Some(64 * GIB)),
        DEFAULT_CACHE_BYTES
    );
    if cfg!(target_os = "linux") {
        assert!(physical_memory().is_some_and(|m| m > 64 * 1024 * 1024));
    }
}

/// The WG-04 1760 × 1760 JPEG 2000 lossless radiograph, when the samples are beside the checkout.
fn radiograph() -> Option<std::path::PathBuf> {
    let f = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/dicom-samples/dicom-test-files/WG04/J2KR/RG3_J2KR");
    if !f.is_file() {
        eprintln!("!!! SKIPPED: ../shared/dicom-samples is absent; the radiograph test not run");
    }
    f.is_file().then_some(f)
}

#[test]
fn a_large_jpeg_2000_image_shows_first_at_the_views_size_then_whole() {
    let Some(file) = radiograph() else { return };
    // the codec's levels: a 440-pixel view needs a quarter of each side
    let img = DicomImage::open(&file).unwrap();
    let small = img.decode_frame_for_view(0, (440, 440)).unwrap();
    assert_eq!((small.cols, small.rows), (440, 440));
    let half = img.decode_frame_for_view(0, (600, 300)).unwrap();
    assert_eq!(
        (half.cols, half.rows),
        (880, 880),
        "at least 3/4 of the view"
    );
    let phone = img.decode_frame_for_view(0, (1080, 1080)).unwrap();
    assert_eq!((phone.cols, phone.rows), (880, 880));
    let whole = img.decode_frame_for_view(0, (2000, 2000)).unwrap();
    assert_eq!((whole.cols, whole.rows), (1760, 1760));
    assert_eq!(whole.samples, img.decode_frame(0).unwrap().samples);

    let dir = temp_dir("rg3");
    let keys = PassphraseKeyStore::new(&dir, "pw").with_cost(1024, 1);
    let vault = Arc::new(Vault::create(&dir, &keys).unwrap());
    import(&vault, &[Source::Path(file)], &Silent, &CancelToken::new()).unwrap();
    let series = series_by_modality(&vault, "CR");
    let v = Viewer::open(vault.clone(), &series).unwrap();
    let mut first = Vec::new();
    let r = v
        .render_for_view(0, &Voi::Default, (440, 440), &mut first, 0)
        .unwrap();
    assert!(r.reduced && (r.width, r.height) == (440, 440), "{r:?}");
    assert_eq!(first.len(), 440 * 440 * 4);
    // the prefetch decodes it whole; then the same call gives the full image, exactly
    v.wait_prefetch_idle();
    assert!(
        v.is_cached(0),
        "the shown slice decoded whole in the background"
    );
    let mut again = Vec::new();
    let r = v
        .render_for_view(0, &Voi::Default, (440, 440), &mut again, 0)
        .unwrap();
    assert!(!r.reduced && (r.width, r.height) == (1760, 1760));
    assert_eq!(again, v.render(0, &Voi::Default).unwrap().0.rgba);
    // an image with no level small enough is decoded whole at once
    let (vault2, _d) = vault_with(3, 0);
    let ct = Viewer::open(vault2.clone(), &series_by_modality(&vault2, "CT")).unwrap();
    let r = ct
        .render_for_view(1, &Voi::Default, (10, 10), &mut Vec::new(), 0)
        .unwrap();
    assert!(!r.reduced && r.width == 48);
    // a lock while a first image is shown refuses the next
    vault.lock();
    assert!(matches!(
        v.render_for_view(0, &Voi::Default, (440, 440), &mut Vec::new(), 0),
        Err(Error::Locked)
    ));
    let _ = std::fs::remove_dir_all(dir);
}
