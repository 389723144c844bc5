//! The viewer's one-finger tool (what a drag on the image does: scroll the slices, drag the
//! window, measure a length) and the words of the screen's controls. The tool is the screen's
//! state, not the shell's: the view says which tools to offer (no window on a colour image) and
//! which is chosen, and a series without a window falls back to scrolling.

use crate::text::{self, Language};

/// What a one-finger drag on the image does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ViewerTool {
    /// Move through the slices ([`super::ViewerEvent::Scroll`]).
    #[default]
    Scroll,
    /// Change the window ([`super::ViewerEvent::WindowDrag`]); offered on grey images only.
    Window,
    /// Measure a length ([`super::ViewerEvent::Measure`]).
    Measure,
}

/// One tool as the shell offers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolItem {
    pub tool: ViewerTool,
    pub label: String,
    pub selected: bool,
}

/// The words of the viewer's controls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewerLabels {
    pub back: String,
    /// The way into appointment mode on this study.
    pub appointment: String,
    /// The presets' menu.
    pub presets: String,
    pub invert: String,
    pub fit: String,
    pub reset: String,
    pub clear_measure: String,
}

/// The tools a series offers: the window only where there is one (`grey`).
pub(super) fn offered(grey: bool) -> Vec<ViewerTool> {
    let mut tools = vec![ViewerTool::Scroll];
    if grey {
        tools.push(ViewerTool::Window);
    }
    tools.push(ViewerTool::Measure);
    tools
}

/// The tool in effect: the chosen one when the series offers it, else scrolling.
pub(super) fn in_effect(chosen: ViewerTool, grey: bool) -> ViewerTool {
    if offered(grey).contains(&chosen) {
        chosen
    } else {
        ViewerTool::Scroll
    }
}

pub(super) fn items(chosen: ViewerTool, grey: bool, lang: Language) -> Vec<ToolItem> {
    let current = in_effect(chosen, grey);
    offered(grey)
        .into_iter()
        .map(|tool| ToolItem {
            tool,
            label: text::message(
                lang,
                match tool {
                    ViewerTool::Scroll => "viewer-tool-scroll",
                    ViewerTool::Window => "viewer-tool-window",
                    ViewerTool::Measure => "viewer-tool-measure",
                },
                &[],
            ),
            selected: tool == current,
        })
        .collect()
}

pub(super) fn labels(lang: Language) -> ViewerLabels {
    let m = |id: &str| text::message(lang, id, &[]);
    ViewerLabels {
        back: m("viewer-back"),
        appointment: m("viewer-appointment"),
        presets: m("viewer-presets"),
        invert: m("viewer-invert"),
        fit: m("viewer-fit"),
        reset: m("viewer-reset"),
        clear_measure: m("viewer-clear-measure"),
    }
}

/// The cine button's word: what pressing it does now.
pub(super) fn cine_toggle(playing: bool, lang: Language) -> String {
    text::message(
        lang,
        if playing {
            "viewer-pause"
        } else {
            "viewer-play"
        },
        &[],
    )
}
