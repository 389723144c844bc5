// The text in the image's corners: the patient and study (top left), the series and image
// number (top right), the slice position and zoom (bottom left), the window (bottom right).

import type { Manifest } from "../share";
import type { Applied, Voi } from "../render";
import { $ } from "../dom";
import { fmt, isoDate, personName } from "./text";
import { patientOf, type Item, type Ready } from "./study";

export interface OverlayState {
  on: boolean;
  m: Manifest;
  series: number;
  items: Item[];
  index: number;
  current: Ready | null;
  applied: Applied | null;
  voi: Voi;
  invert: boolean;
  scale: number; // CSS pixels per image column
}

export function updateOverlay(o: OverlayState) {
  const ov = $("overlay");
  ov.hidden = !o.on;
  const s = o.m.series[o.series];
  const si = s?.study ?? 0;
  const st = o.m.studies[si];
  const p = patientOf(o.m, st);
  const n = o.m.studies.length;
  const r = o.current;
  const it = o.items[o.index];
  $("ov-tl").textContent = [
    p ? personName(p.name) : "Anonymous",
    p?.id ? `ID ${p.id}` : "",
    n > 1 ? `${isoDate(st.date) || "Date unknown"} (study ${si + 1} of ${n})` : isoDate(st.date),
    st.description ?? "",
  ]
    .filter(Boolean)
    .join("\n");
  const frames = it ? Math.max(1, o.m.files[it.file]?.frames ?? 1) : 1;
  $("ov-tr").textContent = [
    s ? `Series ${s.number ?? ""} ${s.modality ?? ""}`.trim() : "",
    s?.description ?? r?.inst.seriesDescription ?? "",
    `Image ${o.index + 1} / ${o.items.length}`,
    frames > 1 && it ? `Frame ${it.frame + 1} / ${frames}` : "",
  ]
    .filter(Boolean)
    .join("\n");
  const pos = r?.inst.sliceLocation ?? null;
  const ipp = r?.inst.position;
  $("ov-bl").textContent = [
    pos !== null ? `Slice position ${fmt(pos)} mm` : ipp ? `Position ${ipp.map(fmt).join(", ")} mm` : "",
    `Zoom ${Math.round(o.scale * 100)}%`,
  ]
    .filter(Boolean)
    .join("\n");
  const a = o.applied;
  let win = "";
  if (a?.kind === "window") win = `W ${fmt(a.width)}  C ${fmt(a.center)}${a.fn !== "LINEAR" ? ` ${a.fn}` : ""}`;
  else if (a?.kind === "lut") win = "VOI LUT (file)";
  else if (a?.kind === "colour") win = "Colour";
  const src = o.voi.kind === "default" ? " (file)" : o.voi.label ? ` (${o.voi.label})` : "";
  $("ov-br").textContent = [win + src, o.invert ? "Inverted" : ""].filter(Boolean).join("\n");
}
