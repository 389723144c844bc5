//! Named window presets, per modality, as radiologists use them.
//!
//! CT values are in Hounsfield units (after the modality rescale). The figures are the common
//! teaching values (centre / width), e.g. Radiopaedia's "Windowing (CT)" article and the presets of
//! OsiriX, Horos and Weasis, which agree within a few HU.

/// A named window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Preset {
    /// Stable identifier used on the command line and across the FFI (`ct-brain`).
    pub id: &'static str,
    /// Label for a menu.
    pub label: &'static str,
    /// Modality the preset is meant for (`CT`); it is offered for that modality first.
    pub modality: &'static str,
    pub center: f64,
    pub width: f64,
}

/// Every preset, in menu order.
pub const PRESETS: &[Preset] = &[
    Preset {
        id: "ct-brain",
        label: "Brain",
        modality: "CT",
        center: 40.0,
        width: 80.0,
    },
    Preset {
        id: "ct-subdural",
        label: "Subdural",
        modality: "CT",
        center: 75.0,
        width: 215.0,
    },
    Preset {
        id: "ct-stroke",
        label: "Stroke",
        modality: "CT",
        center: 40.0,
        width: 40.0,
    },
    Preset {
        id: "ct-temporal-bone",
        label: "Temporal bone",
        modality: "CT",
        center: 600.0,
        width: 2800.0,
    },
    Preset {
        id: "ct-lung",
        label: "Lung",
        modality: "CT",
        center: -600.0,
        width: 1500.0,
    },
    Preset {
        id: "ct-mediastinum",
        label: "Mediastinum",
        modality: "CT",
        center: 50.0,
        width: 350.0,
    },
    Preset {
        id: "ct-abdomen",
        label: "Abdomen",
        modality: "CT",
        center: 50.0,
        width: 400.0,
    },
    Preset {
        id: "ct-liver",
        label: "Liver",
        modality: "CT",
        center: 30.0,
        width: 150.0,
    },
    Preset {
        id: "ct-bone",
        label: "Bone",
        modality: "CT",
        center: 400.0,
        width: 1800.0,
    },
    Preset {
        id: "ct-spine",
        label: "Spine (soft tissue)",
        modality: "CT",
        center: 50.0,
        width: 250.0,
    },
];

/// Look a preset up by id; short names (`brain`, `lung`) resolve to the CT preset.
pub fn find(name: &str) -> Option<&'static Preset> {
    let name = name.trim().to_ascii_lowercase();
    PRESETS
        .iter()
        .find(|p| p.id == name || p.id.strip_prefix("ct-") == Some(name.as_str()))
}

/// The presets to offer for a modality (CT presets for CT; none for modalities whose values
/// have no absolute meaning, such as MR, where the file's windows and auto-window serve).
pub fn for_modality(modality: &str) -> impl Iterator<Item = &'static Preset> + '_ {
    PRESETS.iter().filter(move |p| p.modality == modality)
}
