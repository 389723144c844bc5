// The series list (grouped by study, each study in a colour of its own, when the share holds
// several), its thumbnails, the header's study line and the share's notes (de-identified,
// burned-in text).

import { fetchPiece, type Link, type Manifest, type Relay, type ShareKeys } from "../share";
import { $ } from "../dom";
import { isoDate, personName } from "./text";
import { patientOf } from "./study";

/** A colour per study of a share of several, marking its group in the series list and the image
 * it shows (the first is the viewer's accent). */
const STUDY_COLOURS = ["#4da3ff", "#ffb74d", "#81c784", "#f48fb1", "#b39ddb"];
export const studyColour = (si: number) => STUDY_COLOURS[si % STUDY_COLOURS.length];

/** The share's notes under the image: de-identified, and the warning about burned-in text. */
export function showNotes(m: Manifest) {
  const notes: string[] = [];
  if (m.deidentified) notes.push(`De-identified (${m.deidentified}).`);
  if (m.burned_in_warning) notes.push(m.burned_in_warning);
  if (notes.length) {
    $("warning").hidden = false;
    $("warning").textContent = notes.join(" ");
  }
}

/** The header's line: the patient and the study of the series on screen (with several studies,
 * which one it is). Set only when it changes, as it is read out by screen readers. */
export function studyLine(m: Manifest, si: number) {
  const st = m.studies[si];
  const p = patientOf(m, st);
  const n = m.studies.length;
  const parts = [
    p ? personName(p.name) : "Anonymous patient",
    p?.birth_date ? `born ${isoDate(p.birth_date)}` : "",
    st.description ?? "",
    isoDate(st.date),
    st.modalities.join(", "),
    n > 1 ? `study ${si + 1} of ${n}` : "",
  ].filter(Boolean);
  const text = parts.join(" · ");
  const el = $("study-summary");
  if (el.textContent !== text) el.textContent = text;
}

/** Builds the list of series `order` (a button each, `onSelect` with its index); fetches the
 * thumbnails in the background. */
export function buildSeriesList(
  m: Manifest,
  order: number[],
  share: { link: Link; keys: ShareKeys; relay: Relay },
  onSelect: (i: number) => void,
) {
  const ul = $("series-list");
  const multi = m.studies.length > 1;
  $("viewer").classList.toggle("multi-study", multi);
  // one study: a flat list, as it always was; several: a group per study, headed by its date
  const groups = new Map<number, HTMLElement>();
  if (multi)
    m.studies.forEach((st, si) => {
      const group = document.createElement("li");
      group.className = "study";
      group.dataset.study = String(si);
      group.style.setProperty("--study", studyColour(si));
      const head = document.createElement("h3");
      head.className = "study-head";
      head.id = `study-head-${si}`;
      const date = document.createElement("strong");
      date.textContent = isoDate(st.date) || "Date unknown";
      const what = document.createElement("span");
      what.textContent = [st.description ?? "", st.modalities.join(", ")].filter(Boolean).join(" · ") || `Study ${si + 1}`;
      head.append(date, what);
      const list = document.createElement("ul");
      list.setAttribute("aria-labelledby", head.id);
      group.append(head, list);
      ul.appendChild(group);
      groups.set(si, list);
    });
  for (const i of order) {
    const s = m.series[i];
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.series = String(i);
    const label = `${s.modality ?? ""} ${s.description ?? "Series"}`.trim();
    const n = s.files.reduce((acc, f) => acc + (m.files[f]?.frames ?? 1), 0);
    const thumb = document.createElement("div");
    thumb.className = "thumb";
    thumb.setAttribute("aria-hidden", "true");
    const text = document.createElement("span");
    text.textContent = `${s.number !== null ? `#${s.number} ` : ""}${label} (${n} ${n === 1 ? "image" : "images"})`;
    b.append(thumb, text);
    b.addEventListener("click", () => onSelect(i));
    li.appendChild(b);
    (groups.get(s.study) ?? ul).appendChild(li);
    if (s.thumbnail) {
      fetchPiece(share.relay, share.keys, share.link.shareId, m.chunk_size, s.thumbnail, "a thumbnail")
        .then((png) => {
          const img = document.createElement("img");
          img.alt = "";
          img.src = URL.createObjectURL(new Blob([png as BlobPart], { type: "image/png" }));
          thumb.replaceWith(img);
        })
        .catch(() => {
          /* a missing thumbnail is not worth a page */
        });
    }
  }
}

/** Marks series `i` (of study `study`) as the one on screen. */
export function markCurrent(i: number, study: number) {
  document.querySelectorAll<HTMLButtonElement>("#series-list button").forEach((b) => {
    b.setAttribute("aria-current", String(b.dataset.series === String(i)));
  });
  document.querySelectorAll<HTMLElement>("#series-list .study").forEach((g) => {
    g.classList.toggle("current", g.dataset.study === String(study));
  });
  $("viewport").style.setProperty("--study", studyColour(study));
}
