// Window/level as the reader chooses it: the presets (the core's CT presets, render/), the full
// range, and a drag that moves the centre (up/down) and the width (left/right).

import { modalityRange, type Applied, type Voi } from "../render";
import type { Ready } from "./study";
import { dragRange, dragWindow as dragBy } from "./rules";

/** [id, label, centre, width], as the core's `render` presets. */
export const CT_PRESETS: [string, string, number, number][] = [
  ["ct-brain", "Brain", 40, 80],
  ["ct-subdural", "Subdural", 75, 215],
  ["ct-stroke", "Stroke", 40, 40],
  ["ct-temporal-bone", "Temporal bone", 600, 2800],
  ["ct-lung", "Lung", -600, 1500],
  ["ct-mediastinum", "Mediastinum", 50, 350],
  ["ct-abdomen", "Abdomen", 50, 400],
  ["ct-liver", "Liver", 30, 150],
  ["ct-bone", "Bone", 400, 1800],
  ["ct-spine", "Spine (soft tissue)", 50, 250],
];

/** The window of the preset list's value `v` for the slice on screen; null when it names none
 * (the full range of a colour image, "custom"). */
export function presetVoi(v: string, current: Ready | null): Voi | null {
  if (v === "default") return { kind: "default" };
  if (v === "auto" && current && current.frame.color === "grey") {
    const [a, b] = modalityRange(current.inst, current.frame);
    return { kind: "window", center: (a + b) / 2, width: Math.max(1, b - a), label: "auto" };
  }
  const p = CT_PRESETS.find((x) => x[0] === v);
  if (p) return { kind: "window", center: p[2], width: p[3], label: p[0] };
  return null;
}

/** The window a drag starts from: the one applied, else the slice's full range (a VOI LUT). */
export function currentWindow(a: Applied | null, current: Ready | null): { center: number; width: number } | null {
  if (a?.kind === "window") return { center: a.center, width: a.width };
  if (current && current.frame.color === "grey") {
    const [lo, hi] = modalityRange(current.inst, current.frame);
    return { center: (lo + hi) / 2, width: Math.max(1, hi - lo) };
  }
  return null;
}

/** The window after a drag of (dx, dy) CSS pixels, by the core's rule (rules.ts): a drag across
 * 600 pixels spans the range of the modality and bit depth. */
export function dragWindow(a: Applied | null, current: Ready | null, dx: number, dy: number): Voi | null {
  const w = currentWindow(a, current);
  if (!w || !current) return null;
  const i = current.inst;
  const range = dragRange(i.modality ?? "", i.bitsStored, i.pixelRepresentation === 1, i.slope, i.intercept);
  const [center, width] = dragBy(w.center, w.width, range, dx, dy);
  return { kind: "window", center, width };
}
