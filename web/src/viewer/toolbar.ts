// The tool bar: the drag tool, the window preset, cine, overlay, invert, reset, and the slice
// slider under the image. On a narrow or short screen (a phone) the bar, the download and a lone
// series fold away behind one "Tools" button in the header, so that the image has the screen; the
// button names the drag tool in use (style.css holds the layout, this file the state).

import type { Voi } from "../render";
import { $ } from "../dom";
import type { Tool } from "./controls";
import { CT_PRESETS } from "./windowing";

export interface ToolbarActions {
  setTool(t: Tool): void;
  /** The preset list's value was chosen. */
  preset(value: string): void;
  toggleOverlay(): void;
  toggleInvert(): void;
  reset(): void;
  toggleCine(): void;
  /** The slider was moved to slice `i` (from 0). */
  slice(i: number): void;
}

const TOOL_NAMES: Record<Tool, string> = { scroll: "Scroll", window: "Window", pan: "Pan", zoom: "Zoom", measure: "Measure" };

/** Where the tools fold away: a narrow or a short screen (the same query is in style.css). */
const FOLD = "(max-width: 700px), (max-height: 500px)";
const narrow = () => matchMedia(FOLD).matches;

export function bindToolbar(a: ToolbarActions) {
  document.querySelectorAll<HTMLButtonElement>("[data-tool]").forEach((b) => {
    b.addEventListener("click", () => {
      a.setTool(b.dataset.tool as Tool);
      // on a phone, a drag tool is chosen to be used on the image: give the image the screen
      if (narrow()) setToolsOpen(false);
    });
  });
  $<HTMLSelectElement>("preset").addEventListener("change", (e) => a.preset((e.target as HTMLSelectElement).value));
  $("overlay-toggle").addEventListener("click", () => a.toggleOverlay());
  $("invert").addEventListener("click", () => a.toggleInvert());
  $("reset").addEventListener("click", () => a.reset());
  $("cine").addEventListener("click", () => a.toggleCine());
  $<HTMLInputElement>("slice").addEventListener("input", (e) => a.slice(Number((e.target as HTMLInputElement).value) - 1));
  const toggle = $<HTMLButtonElement>("tools-toggle");
  toggle.hidden = false;
  toggle.addEventListener("click", () => setToolsOpen(!document.body.classList.contains("tools-open")));
}

/** Opens or folds the tools (on a wide screen they are always shown; the class changes nothing). */
export function setToolsOpen(open: boolean) {
  document.body.classList.toggle("tools-open", open);
  $("tools-toggle").setAttribute("aria-expanded", String(open));
}

/** Shows tool `t` as the one in use, on its button and on the "Tools" button. */
export function showTool(t: Tool) {
  document.querySelectorAll<HTMLButtonElement>("[data-tool]").forEach((b) => {
    b.setAttribute("aria-pressed", String(b.dataset.tool === t));
  });
  $("tool-now").textContent = TOOL_NAMES[t];
}

/** The preset list for a series of `modality`: the file's window, the full range, the CT presets
 * for CT, and "Custom" (shown, not chosen, after a drag). */
export function fillPresets(modality: string) {
  const sel = $<HTMLSelectElement>("preset");
  sel.innerHTML = "";
  const add = (value: string, label: string) => {
    const o = document.createElement("option");
    o.value = value;
    o.textContent = label;
    sel.appendChild(o);
  };
  add("default", "File window");
  add("auto", "Full range");
  if (modality === "CT") for (const [id, label, c, w] of CT_PRESETS) add(id, `${label} (C ${c} / W ${w})`);
  add("custom", "Custom (drag)");
  (sel.lastChild as HTMLOptionElement).disabled = true;
  sel.value = "default";
}

/** Shows window `v` in the preset list. */
export function showVoi(v: Voi) {
  const sel = $<HTMLSelectElement>("preset");
  if (v.kind === "default") sel.value = "default";
  else if (v.label && [...sel.options].some((o) => o.value === v.label)) sel.value = v.label;
  else sel.value = "custom";
}

/** The slider and the count beside it at slice `i` of `n`. */
export function showSlice(i: number, n: number) {
  const slider = $<HTMLInputElement>("slice");
  slider.value = String(i + 1);
  slider.setAttribute("aria-valuetext", `Slice ${i + 1} of ${n}`);
  $("slice-status").textContent = `${i + 1} / ${n}`;
}

/** A series of `n` slices: the slider's range; cine and the slider only when there are several. */
export function sliceRange(n: number) {
  const slider = $<HTMLInputElement>("slice");
  slider.max = String(Math.max(1, n));
  $("cine-group").hidden = n < 2;
  $("slice").parentElement!.hidden = n < 2;
}
