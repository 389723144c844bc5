// The recipient's page: reads the link, asks for the passcode when the link says so, opens the
// share with WebCrypto, and shows the study. Nothing decrypted leaves this page (the zip is made
// here and handed to the browser's download).

import "./style.css";
import { zipSync } from "fflate";
import {
  deriveKeys,
  fetchFile,
  FormatError,
  IntegrityError,
  LinkError,
  openChunk,
  openManifest,
  parseLink,
  parseManifest,
  passcodeHash,
  Relay,
  RelayError,
  type Link,
  type Manifest,
  type ShareKeys,
  type Study,
} from "./share";
import { DecodeError, readInstance, type Instance } from "./dicom";
import { decodeFrame, type DecodedFrame } from "./decode";
import { modalityRange, renderInto, type Applied, type Voi } from "./render";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

// ---- test and benchmark hook (no patient data, no key) ----
const hook = {
  state: "loading" as string,
  index: -1,
  count: 0,
  series: -1,
  study: -1, // the index in the manifest's studies of the series on screen
  studies: 0,
  clickedAt: null as number | null, // performance.now() when "Open the shared images" was clicked
  manifestAt: null as number | null, // performance.now() when the manifest was decrypted
  firstImageAt: null as number | null, // ... and when the first slice was on the canvas
  draws: 0,
  lastInputToDrawMs: null as number | null,
  applied: null as Applied | null,
  error: null as string | null,
  path: null as string | null, // the shown file's path in the File-set (DICOM/PT000000/...)
  frame: 0,
  imageToCanvas: (x: number, y: number) => [x, y] as [number, number],
  allLoaded: false,
  zoom: 1,
};
(window as unknown as { __scanpass: typeof hook }).__scanpass = hook;

function setState(s: string) {
  hook.state = s;
  document.body.dataset.state = s;
}

// ---- pages ----

function showMessage(title: string, text: string, opts: { code: string; retry?: () => void }) {
  setState(`error:${opts.code}`);
  hook.error = opts.code;
  $("passcode-form").hidden = true;
  $("viewer").hidden = true;
  const box = $("message");
  box.hidden = false;
  $("message-title").textContent = title;
  $("message-text").textContent = text;
  box.querySelector("button")?.remove();
  if (opts.retry) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = "Try again";
    b.addEventListener("click", opts.retry);
    box.appendChild(b);
  }
  box.focus();
}

function errorPage(e: unknown, retry: () => void) {
  if (e instanceof RelayError) {
    switch (e.status) {
      case 0:
        return showMessage(
          "The relay cannot be reached",
          "This page could not reach the server that holds the encrypted study. Check the network connection and try again.",
          { code: "unreachable", retry },
        );
      case 404:
        return showMessage(
          "This share does not exist",
          "No share has this link. Check that the whole link was copied, or ask the patient for a new one.",
          { code: "not_found" },
        );
      case 410:
        return showMessage(
          "This share has expired or was revoked",
          "The patient's link is no longer valid: it expired, the patient revoked it, or it was opened the number of times allowed. Ask the patient to share the study again.",
          { code: "gone" },
        );
      case 423: {
        const mins = e.retryAfter === null ? null : Math.max(1, Math.ceil(e.retryAfter / 60));
        const when = mins === null ? "later" : mins === 1 ? "in a minute" : `in ${mins} minutes`;
        return showMessage(
          "This share is locked for now",
          `Too many wrong passcodes were tried, so the share was locked to protect the patient. Try again ${when}, or ask the patient to unlock it in their app.`,
          { code: "locked" },
        );
      }
      case 403:
      case 401:
        return showMessage(
          "The key in this link is wrong",
          "The relay refused the key this link carries. The link may have been changed or cut short; ask the patient to send it again.",
          { code: "key_wrong" },
        );
      case 409:
        return showMessage(
          "This share is still being uploaded",
          "The patient's phone has not finished sending the study. Try again in a few minutes.",
          { code: "not_finalized", retry },
        );
      case 429:
        return showMessage(
          "Too many failed attempts",
          "The relay is refusing requests from this network for a minute after too many failures. Wait, then try again.",
          { code: "rate_limited", retry },
        );
      default:
        return showMessage("The relay answered with an error", `${e.status}: ${e.message}`, { code: "relay", retry });
    }
  }
  if (e instanceof LinkError)
    return showMessage(
      "This link is incomplete",
      `The part of the link after “#” says where the study is kept and holds the key that decrypts it, and ${e.message}. Ask the patient to send the whole link again. (This page forgets the link once it has read it: after a reload, open the link again from the message you received.)`,
      { code: "bad_key" },
    );
  if (e instanceof IntegrityError)
    return showMessage(
      "The shared data failed its integrity check",
      `${e.message}. Nothing was shown. Ask the patient to share the study again.`,
      { code: "integrity" },
    );
  if (e instanceof FormatError) return showMessage("This share cannot be read", e.message, { code: "format" });
  return showMessage("Something went wrong", e instanceof Error ? e.message : String(e), { code: "internal", retry });
}

// ---- opening ----

/** The link, read once from the fragment and then kept here only: the fragment is taken out of
 * the address bar and the history at once, so that neither a screen share, the history nor a
 * later visitor of this tab sees the key. */
let link: Link | null = null;

function stripFragment() {
  if (location.hash || location.href.includes("#"))
    history.replaceState(history.state, "", location.pathname + location.search);
}

function start() {
  // framing: a page on another origin must not show this one under its own (a meta CSP cannot
  // say frame-ancestors; the static host may not send headers)
  if (window.top !== window.self) {
    return showMessage(
      "This page cannot be shown inside another page",
      "Open the link in a tab of its own.",
      { code: "framed" },
    );
  }
  try {
    link = parseLink(location.hash);
  } catch (e) {
    stripFragment();
    return errorPage(e, () => location.reload());
  }
  stripFragment();
  firstScreen(link);
}

/** The first screen: nothing is fetched or decrypted before the reader clicks (an e-mail link
 * checker that opens the page must not spend the share's downloads). A passcode share asks for
 * its passcode here. */
function firstScreen(link: Link) {
  setState(link.needsPasscode ? "passcode" : "closed");
  $("message").hidden = true;
  $("viewer").hidden = true;
  const form = $<HTMLFormElement>("passcode-form");
  form.hidden = false;
  const field = $("passcode-field");
  field.hidden = !link.needsPasscode;
  const input = $<HTMLInputElement>("passcode");
  input.required = link.needsPasscode;
  const err = $("passcode-error");
  err.textContent = "";
  const submit = $<HTMLButtonElement>("passcode-submit");
  if (link.needsPasscode) input.focus();
  else submit.focus();
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    if (link.needsPasscode && !input.value.trim()) {
      err.textContent = "Type the passcode first.";
      return;
    }
    hook.clickedAt = performance.now();
    submit.disabled = true;
    form.setAttribute("aria-busy", "true");
    setState("opening");
    err.textContent = link.needsPasscode ? "Checking the passcode…" : "Opening…";
    try {
      const keys = await deriveKeys(link, link.needsPasscode ? await passcodeHash(link, input.value) : null);
      await open(link, keys);
      input.value = "";
    } catch (e) {
      if (link.needsPasscode && e instanceof RelayError && e.status === 403) {
        setState("passcode-wrong");
        input.value = "";
        input.focus();
        err.textContent =
          e.attemptsLeft !== null
            ? `Wrong passcode. ${e.attemptsLeft} attempt${e.attemptsLeft === 1 ? "" : "s"} left before the share locks.`
            : "Wrong passcode. After a few wrong attempts the share locks.";
      } else {
        form.hidden = true;
        errorPage(e, () => firstScreen(link));
      }
    } finally {
      submit.disabled = false;
      form.removeAttribute("aria-busy");
    }
  };
}

async function open(link: Link, keys: ShareKeys) {
  const relay = new Relay(link.relay, link.shareId, keys.tokenHex);
  const manifest = parseManifest(await openManifest(keys, link.shareId, await relay.manifest()));
  hook.manifestAt = performance.now();
  $("passcode-form").hidden = true;
  new Viewer(link, keys, relay, manifest);
}

// ---- the viewer ----

const CT_PRESETS: [string, string, number, number][] = [
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

type Tool = "scroll" | "window" | "pan" | "zoom" | "measure";
interface Item {
  file: number;
  frame: number;
}
interface Ready {
  inst: Instance;
  frame: DecodedFrame;
}
type Pt = [number, number];

function personName(pn: string | null | undefined): string {
  if (!pn) return "";
  const [family, given, middle, prefix, suffix] = pn.split("=")[0].split("^");
  return [prefix, given, middle, family && family.toUpperCase(), suffix].filter(Boolean).join(" ");
}
function isoDate(d: string | null | undefined): string {
  return d && /^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : d ?? "";
}
/** A colour per study of a share of several, marking its group in the series list and the image
 * it shows (the first is the viewer's accent). */
const STUDY_COLOURS = ["#4da3ff", "#ffb74d", "#81c784", "#f48fb1", "#b39ddb"];
const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1).replace(/\.0$/, ""));

class LruMap<V> {
  private map = new Map<string | number, { v: V; size: number }>();
  private total = 0;
  constructor(private budget: number) {}
  get(k: string | number): V | undefined {
    const e = this.map.get(k);
    if (!e) return undefined;
    this.map.delete(k);
    this.map.set(k, e);
    return e.v;
  }
  set(k: string | number, v: V, size: number) {
    const old = this.map.get(k);
    if (old) this.total -= old.size;
    this.map.delete(k);
    this.map.set(k, { v, size });
    this.total += size;
    for (const [key, e] of this.map) {
      if (this.total <= this.budget || this.map.size <= 8) break;
      this.map.delete(key);
      this.total -= e.size;
    }
  }
  has(k: string | number) {
    return this.map.has(k);
  }
  delete(k: string | number) {
    const e = this.map.get(k);
    if (e) this.total -= e.size;
    this.map.delete(k);
  }
}

class Viewer {
  private seriesIndex = -1;
  private items: Item[] = [];
  private index = 0;
  private tool: Tool = "window";
  private voi: Voi = { kind: "default" };
  private invert = false;
  private zoom = 1;
  private panX = 0;
  private panY = 0;
  private overlayOn = true;
  private measures = new Map<string, [Pt, Pt][]>();
  private drawing: [Pt, Pt] | null = null;
  private applied: Applied | null = null;
  private current: Ready | null = null;
  private showToken = 0;
  private cineTimer: number | null = null;
  private inputAt: number | null = null;
  // caches: file bytes (for decoding and the zip), parsed instances, decoded frames
  private bytes = new LruMap<Promise<Uint8Array>>(768 << 20);
  private instances = new LruMap<Promise<Instance>>(768 << 20);
  private frames = new LruMap<Promise<DecodedFrame>>(1024 << 20);
  private ready = new LruMap<Ready>(1024 << 20);
  private prefetchGen = 0;
  /** The series in the order of the list: by study (the patient's order), then as in the manifest. */
  private order: number[];

  private canvas = $<HTMLCanvasElement>("canvas");
  private ctx = this.canvas.getContext("2d")!;
  private img = document.createElement("canvas");
  private imgCtx = this.img.getContext("2d")!;
  private imageData: ImageData | null = null;

  constructor(
    private link: Link,
    private keys: ShareKeys,
    private relay: Relay,
    private m: Manifest,
  ) {
    this.order = m.studies.flatMap((_, si) => m.series.flatMap((s, i) => (s.study === si ? [i] : [])));
    $("message").hidden = true;
    $("viewer").hidden = false;
    $("header-actions").hidden = false;
    setState("viewer");
    hook.studies = m.studies.length;
    this.summary();
    this.seriesList();
    this.bindTools();
    // on touch screens one finger scrolls the stack (pinch zooms and pans); a mouse adjusts the window
    if (matchMedia("(pointer: coarse)").matches) this.setTool("scroll");
    this.bindPointer();
    this.bindKeys();
    new ResizeObserver(() => this.compose()).observe($("viewport"));
    const first = this.order.find((i) => m.series[i].files.length > 0);
    if (first === undefined) {
      this.studyLine(0);
      this.imageMessage("This share holds no images.");
      return;
    }
    this.selectSeries(first);
    (hook as unknown as { step: (d: number) => boolean }).step = (d) => this.benchStep(d);
  }

  // ---- header and series ----

  private summary() {
    const notes: string[] = [];
    if (this.m.deidentified) notes.push(`De-identified (${this.m.deidentified}).`);
    if (this.m.burned_in_warning) notes.push(this.m.burned_in_warning);
    if (notes.length) {
      $("warning").hidden = false;
      $("warning").textContent = notes.join(" ");
    }
    $("download").addEventListener("click", () => this.downloadZip());
  }

  /** The header's line: the patient and the study of the series on screen (with several studies,
   * which one it is). Set only when it changes, as it is read out by screen readers. */
  private studyLine(si: number) {
    const st = this.m.studies[si];
    const p = this.patientOf(st);
    const n = this.m.studies.length;
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

  private patientOf(st: Study) {
    return st.patient !== undefined ? st.patient : this.m.patient;
  }

  private seriesList() {
    const ul = $("series-list");
    const multi = this.m.studies.length > 1;
    $("viewer").classList.toggle("multi-study", multi);
    // one study: a flat list, as it always was; several: a group per study, headed by its date
    const groups = new Map<number, HTMLElement>();
    if (multi)
      this.m.studies.forEach((st, si) => {
        const group = document.createElement("li");
        group.className = "study";
        group.dataset.study = String(si);
        group.style.setProperty("--study", STUDY_COLOURS[si % STUDY_COLOURS.length]);
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
    for (const i of this.order) {
      const s = this.m.series[i];
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.series = String(i);
      const label = `${s.modality ?? ""} ${s.description ?? "Series"}`.trim();
      const n = s.files.reduce((acc, f) => acc + (this.m.files[f]?.frames ?? 1), 0);
      const thumb = document.createElement("div");
      thumb.className = "thumb";
      thumb.setAttribute("aria-hidden", "true");
      const text = document.createElement("span");
      text.textContent = `${s.number !== null ? `#${s.number} ` : ""}${label} (${n} ${n === 1 ? "image" : "images"})`;
      b.append(thumb, text);
      b.addEventListener("click", () => this.selectSeries(i));
      li.appendChild(b);
      (groups.get(s.study) ?? ul).appendChild(li);
      if (s.thumbnail_chunk !== null && s.thumbnail_chunk !== undefined) {
        const chunk = s.thumbnail_chunk;
        this.relay
          .chunk(chunk)
          .then((sealed) => openChunk(this.keys, this.link.shareId, chunk, sealed))
          .then((png) => {
            const img = document.createElement("img");
            img.alt = "";
            img.src = URL.createObjectURL(new Blob([png], { type: "image/png" }));
            thumb.replaceWith(img);
          })
          .catch(() => {
            /* a missing thumbnail is not worth a page */
          });
      }
    }
  }

  private selectSeries(i: number) {
    if (i === this.seriesIndex) return;
    this.stopCine();
    this.seriesIndex = i;
    hook.series = i;
    const s = this.m.series[i];
    hook.study = s.study;
    document.querySelectorAll<HTMLButtonElement>("#series-list button").forEach((b) => {
      b.setAttribute("aria-current", String(b.dataset.series === String(i)));
    });
    document.querySelectorAll<HTMLElement>("#series-list .study").forEach((g) => {
      g.classList.toggle("current", g.dataset.study === String(s.study));
    });
    $("viewport").style.setProperty("--study", STUDY_COLOURS[s.study % STUDY_COLOURS.length]);
    this.studyLine(s.study);
    this.items = [];
    for (const f of s.files) {
      const frames = Math.max(1, this.m.files[f]?.frames ?? 1);
      for (let k = 0; k < frames; k++) this.items.push({ file: f, frame: k });
    }
    hook.count = this.items.length;
    hook.allLoaded = false;
    this.voi = { kind: "default" };
    this.measures.clear();
    this.resetView();
    this.fillPresets(s.modality ?? "");
    const slider = $<HTMLInputElement>("slice");
    slider.max = String(Math.max(1, this.items.length));
    $("cine-group").hidden = this.items.length < 2;
    $("slice").parentElement!.hidden = this.items.length < 2;
    const start = Math.floor((this.items.length - 1) / 2);
    this.show(start);
    this.prefetch();
  }

  private fillPresets(modality: string) {
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

  // ---- loading ----

  private fileBytes(f: number): Promise<Uint8Array> {
    let p = this.bytes.get(f);
    if (!p) {
      const file = this.m.files[f];
      p = fetchFile(this.relay, this.keys, this.link.shareId, file);
      this.bytes.set(f, p, file.size);
      p.catch(() => this.bytes.delete(f));
    }
    return p;
  }

  private instance(f: number): Promise<Instance> {
    let p = this.instances.get(f);
    if (!p) {
      p = this.fileBytes(f).then((b) => readInstance(b));
      this.instances.set(f, p, this.m.files[f].size);
      p.catch(() => this.instances.delete(f));
    }
    return p;
  }

  private key = (it: Item) => `${it.file}:${it.frame}`;

  private load(i: number): Promise<Ready> {
    const it = this.items[i];
    const k = this.key(it);
    const r = this.ready.get(k);
    if (r) return Promise.resolve(r);
    let p = this.frames.get(k);
    if (!p) {
      const file = this.m.files[it.file];
      const size = (file.rows ?? 512) * (file.cols ?? 512) * 4;
      p = this.instance(it.file).then((inst) => decodeFrame(inst, it.frame));
      this.frames.set(k, p, size);
      p.catch(() => this.frames.delete(k));
      p.then(async (frame) => {
        const inst = await this.instance(it.file);
        this.ready.set(k, { inst, frame }, frame.values.byteLength);
      }).catch(() => {});
    }
    return Promise.all([this.instance(it.file), p]).then(([inst, frame]) => ({ inst, frame }));
  }

  /** Loads the whole series in the background, nearest slices first, a few requests at a time. */
  private async prefetch() {
    const gen = ++this.prefetchGen;
    const n = this.items.length;
    const order: number[] = [];
    const c = this.index;
    for (let d = 0; order.length < n; d++) {
      if (c + d < n) order.push(c + d);
      if (d > 0 && c - d >= 0) order.push(c - d);
    }
    let next = 0;
    const worker = async () => {
      while (next < order.length && gen === this.prefetchGen) {
        const i = order[next++];
        try {
          await this.load(i);
        } catch {
          /* shown when that slice is displayed */
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    if (gen === this.prefetchGen) hook.allLoaded = true;
  }

  // ---- showing ----

  private show(i: number) {
    if (!this.items.length) return;
    i = Math.max(0, Math.min(this.items.length - 1, i));
    this.index = i;
    hook.index = i;
    const slider = $<HTMLInputElement>("slice");
    slider.value = String(i + 1);
    slider.setAttribute("aria-valuetext", `Slice ${i + 1} of ${this.items.length}`);
    $("slice-status").textContent = `${i + 1} / ${this.items.length}`;
    const token = ++this.showToken;
    const r = this.ready.get(this.key(this.items[i]));
    if (r) return this.draw(r);
    this.load(i).then(
      (r) => {
        if (token === this.showToken) this.draw(r);
      },
      (e) => {
        if (token !== this.showToken) return;
        this.current = null;
        this.compose();
        this.imageMessage(
          e instanceof DecodeError || e instanceof IntegrityError
            ? e.message
            : e instanceof RelayError
              ? `This image could not be fetched: ${e.message}`
              : `This image could not be shown: ${e instanceof Error ? e.message : e}`,
        );
      },
    );
  }

  private imageMessage(text: string | null) {
    const el = $("image-error");
    el.hidden = !text;
    el.textContent = text ?? "";
    hook.error = text ? "image" : null;
  }

  private draw(r: Ready) {
    this.imageMessage(null);
    this.current = r;
    const { frame, inst } = r;
    if (this.img.width !== frame.cols || this.img.height !== frame.rows || !this.imageData) {
      this.img.width = frame.cols;
      this.img.height = frame.rows;
      this.imageData = this.imgCtx.createImageData(frame.cols, frame.rows);
    }
    this.applied = renderInto(inst, frame, this.voi, this.invert, this.imageData.data);
    hook.applied = this.applied;
    const it = this.items[this.index];
    hook.path = this.m.files[it.file].path;
    hook.frame = it.frame;
    this.imgCtx.putImageData(this.imageData, 0, 0);
    this.compose();
    hook.draws++;
    if (hook.firstImageAt === null) {
      hook.firstImageAt = performance.now();
      setState("viewer-ready");
    }
    if (this.inputAt !== null) {
      hook.lastInputToDrawMs = performance.now() - this.inputAt;
      this.inputAt = null;
    }
  }

  private geometry() {
    const r = this.current;
    const rect = this.canvas.getBoundingClientRect();
    const cw = rect.width;
    const ch = rect.height;
    if (!r) return { cw, ch, scale: 1, aspect: 1, x0: 0, y0: 0, w: 0, h: 0 };
    const ps = r.inst.pixelSpacing;
    const aspect = ps && ps[0] > 0 && ps[1] > 0 ? ps[0] / ps[1] : 1;
    const w = r.frame.cols;
    const h = r.frame.rows;
    const fit = Math.min(cw / w, ch / (h * aspect));
    const scale = fit * this.zoom;
    const x0 = cw / 2 - (w * scale) / 2 + this.panX;
    const y0 = ch / 2 - (h * scale * aspect) / 2 + this.panY;
    return { cw, ch, scale, aspect, x0, y0, w, h };
  }

  private toImage(cx: number, cy: number): Pt {
    const g = this.geometry();
    return [(cx - g.x0) / g.scale, (cy - g.y0) / (g.scale * g.aspect)];
  }

  private compose() {
    const dpr = window.devicePixelRatio || 1;
    const g = this.geometry();
    const W = Math.max(1, Math.round(g.cw * dpr));
    const H = Math.max(1, Math.round(g.ch * dpr));
    if (this.canvas.width !== W || this.canvas.height !== H) {
      this.canvas.width = W;
      this.canvas.height = H;
    }
    const ctx = this.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, W, H);
    hook.imageToCanvas = (x, y) => [g.x0 + x * g.scale, g.y0 + y * g.scale * g.aspect];
    hook.zoom = this.zoom;
    if (!this.current) return this.overlayText();
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    // True pixels when magnified (no interpolation); smoothing only when the image is shrunk.
    ctx.imageSmoothingEnabled = g.scale * dpr < 1;
    ctx.drawImage(this.img, g.x0, g.y0, g.w * g.scale, g.h * g.scale * g.aspect);
    // measurements on this slice
    const lines = [...(this.measures.get(this.key(this.items[this.index])) ?? [])];
    if (this.drawing) lines.push(this.drawing);
    ctx.lineWidth = 2;
    ctx.font = "13px system-ui, sans-serif";
    for (const [a, b] of lines) {
      const [ax, ay] = hook.imageToCanvas(a[0], a[1]);
      const [bx, by] = hook.imageToCanvas(b[0], b[1]);
      ctx.strokeStyle = "#ffeb3b";
      ctx.beginPath();
      ctx.moveTo(ax, ay);
      ctx.lineTo(bx, by);
      ctx.stroke();
      for (const [x, y] of [
        [ax, ay],
        [bx, by],
      ]) {
        ctx.beginPath();
        ctx.arc(x, y, 3, 0, Math.PI * 2);
        ctx.stroke();
      }
      ctx.fillStyle = "#ffeb3b";
      ctx.fillText(this.lengthText(a, b), bx + 6, by - 6);
    }
    this.overlayText();
  }

  private lengthMm(a: Pt, b: Pt): number | null {
    const ps = this.current?.inst.pixelSpacing;
    if (!ps) return null;
    const dx = (b[0] - a[0]) * ps[1];
    const dy = (b[1] - a[1]) * ps[0];
    return Math.hypot(dx, dy);
  }

  private lengthText(a: Pt, b: Pt): string {
    const mm = this.lengthMm(a, b);
    if (mm !== null) return `${mm.toFixed(1)} mm`;
    return `${Math.hypot(b[0] - a[0], b[1] - a[1]).toFixed(1)} px (no pixel spacing)`;
  }

  private overlayText() {
    const ov = $("overlay");
    ov.hidden = !this.overlayOn;
    const s = this.m.series[this.seriesIndex];
    const si = s?.study ?? 0;
    const st = this.m.studies[si];
    const p = this.patientOf(st);
    const n = this.m.studies.length;
    const r = this.current;
    const it = this.items[this.index];
    $("ov-tl").textContent = [
      p ? personName(p.name) : "Anonymous",
      p?.id ? `ID ${p.id}` : "",
      n > 1 ? `${isoDate(st.date) || "Date unknown"} (study ${si + 1} of ${n})` : isoDate(st.date),
      st.description ?? "",
    ]
      .filter(Boolean)
      .join("\n");
    const frames = it ? Math.max(1, this.m.files[it.file]?.frames ?? 1) : 1;
    $("ov-tr").textContent = [
      s ? `Series ${s.number ?? ""} ${s.modality ?? ""}`.trim() : "",
      s?.description ?? r?.inst.seriesDescription ?? "",
      `Image ${this.index + 1} / ${this.items.length}`,
      frames > 1 && it ? `Frame ${it.frame + 1} / ${frames}` : "",
    ]
      .filter(Boolean)
      .join("\n");
    const pos = r?.inst.sliceLocation ?? null;
    const ipp = r?.inst.position;
    $("ov-bl").textContent = [
      pos !== null ? `Slice position ${fmt(pos)} mm` : ipp ? `Position ${ipp.map(fmt).join(", ")} mm` : "",
      `Zoom ${Math.round(this.geometry().scale * 100)}%`,
    ]
      .filter(Boolean)
      .join("\n");
    const a = this.applied;
    let win = "";
    if (a?.kind === "window") win = `W ${fmt(a.width)}  C ${fmt(a.center)}${a.fn !== "LINEAR" ? ` ${a.fn}` : ""}`;
    else if (a?.kind === "lut") win = "VOI LUT (file)";
    else if (a?.kind === "colour") win = "Colour";
    const src = this.voi.kind === "default" ? " (file)" : this.voi.label ? ` (${this.voi.label})` : "";
    $("ov-br").textContent = [win + src, this.invert ? "Inverted" : ""].filter(Boolean).join("\n");
  }

  private redraw() {
    if (this.current) this.draw(this.current);
    else this.compose();
  }

  // ---- controls ----

  private setTool(t: Tool) {
    this.tool = t;
    document.querySelectorAll<HTMLButtonElement>("[data-tool]").forEach((b) => {
      b.setAttribute("aria-pressed", String(b.dataset.tool === t));
    });
  }

  private setVoi(v: Voi) {
    this.voi = v;
    const sel = $<HTMLSelectElement>("preset");
    if (v.kind === "default") sel.value = "default";
    else if (v.label && [...sel.options].some((o) => o.value === v.label)) sel.value = v.label;
    else sel.value = "custom";
    this.redraw();
  }

  private resetView() {
    this.zoom = 1;
    this.panX = 0;
    this.panY = 0;
  }

  private bindTools() {
    document.querySelectorAll<HTMLButtonElement>("[data-tool]").forEach((b) => {
      b.addEventListener("click", () => this.setTool(b.dataset.tool as Tool));
    });
    $<HTMLSelectElement>("preset").addEventListener("change", (e) => {
      const v = (e.target as HTMLSelectElement).value;
      if (v === "default") return this.setVoi({ kind: "default" });
      if (v === "auto" && this.current && this.current.frame.color === "grey") {
        const [a, b] = modalityRange(this.current.inst, this.current.frame);
        return this.setVoi({ kind: "window", center: (a + b) / 2, width: Math.max(1, b - a), label: "auto" });
      }
      const p = CT_PRESETS.find((x) => x[0] === v);
      if (p) this.setVoi({ kind: "window", center: p[2], width: p[3], label: p[0] });
    });
    $("overlay-toggle").addEventListener("click", () => this.toggleOverlay());
    $("invert").addEventListener("click", () => this.toggleInvert());
    $("reset").addEventListener("click", () => this.reset());
    $("cine").addEventListener("click", () => this.toggleCine());
    $<HTMLInputElement>("slice").addEventListener("input", (e) => {
      this.inputAt = performance.now();
      this.show(Number((e.target as HTMLInputElement).value) - 1);
    });
  }

  private toggleOverlay() {
    this.overlayOn = !this.overlayOn;
    $("overlay-toggle").setAttribute("aria-pressed", String(this.overlayOn));
    this.overlayText();
  }

  private toggleInvert() {
    this.invert = !this.invert;
    $("invert").setAttribute("aria-pressed", String(this.invert));
    this.redraw();
  }

  private reset() {
    this.resetView();
    this.invert = false;
    $("invert").setAttribute("aria-pressed", "false");
    this.measures.clear();
    $("measure-status").textContent = "";
    this.setVoi({ kind: "default" });
  }

  private step(d: number) {
    this.inputAt = performance.now();
    this.show(this.index + d);
  }

  /** For the benchmark: one step, and whether it was drawn at once (the slice was ready). */
  benchStep(d: number): boolean {
    const before = hook.draws;
    this.step(d);
    return hook.draws > before;
  }

  private zoomAt(f: number, cx: number, cy: number) {
    const g = this.geometry();
    const z = Math.min(40, Math.max(0.1, this.zoom * f));
    f = z / this.zoom;
    this.zoom = z;
    this.panX = cx - g.cw / 2 - (cx - g.cw / 2 - this.panX) * f;
    this.panY = cy - g.ch / 2 - (cy - g.ch / 2 - this.panY) * f;
    this.compose();
  }

  private currentWindow(): { center: number; width: number } | null {
    const a = this.applied;
    if (a?.kind === "window") return { center: a.center, width: a.width };
    if (this.current && this.current.frame.color === "grey") {
      const [lo, hi] = modalityRange(this.current.inst, this.current.frame);
      return { center: (lo + hi) / 2, width: Math.max(1, hi - lo) };
    }
    return null;
  }

  private bindPointer() {
    const vp = $("viewport");
    const pointers = new Map<number, Pt>();
    let last: Pt = [0, 0];
    let acc = 0;
    let pinch: { d: number; mid: Pt } | null = null;
    let activeTool: Tool = this.tool;
    const local = (e: PointerEvent | WheelEvent): Pt => {
      const r = this.canvas.getBoundingClientRect();
      return [e.clientX - r.left, e.clientY - r.top];
    };
    vp.addEventListener("contextmenu", (e) => e.preventDefault());
    vp.addEventListener("pointerdown", (e) => {
      vp.focus({ preventScroll: true });
      vp.setPointerCapture(e.pointerId);
      pointers.set(e.pointerId, local(e));
      if (pointers.size === 2) {
        const [a, b] = [...pointers.values()];
        pinch = { d: Math.hypot(a[0] - b[0], a[1] - b[1]), mid: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2] };
        this.drawing = null;
        return;
      }
      last = local(e);
      acc = 0;
      activeTool = e.button === 2 ? "zoom" : e.button === 1 ? "pan" : this.tool;
      if (activeTool === "measure") {
        const p = this.toImage(...last);
        this.drawing = [p, p];
      }
    });
    vp.addEventListener("pointermove", (e) => {
      if (!pointers.has(e.pointerId)) return;
      const pos = local(e);
      pointers.set(e.pointerId, pos);
      if (pointers.size >= 2 && pinch) {
        const [a, b] = [...pointers.values()];
        const d = Math.hypot(a[0] - b[0], a[1] - b[1]);
        const mid: Pt = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
        this.panX += mid[0] - pinch.mid[0];
        this.panY += mid[1] - pinch.mid[1];
        this.zoomAt(d / Math.max(1, pinch.d), mid[0], mid[1]);
        pinch = { d, mid };
        return;
      }
      const dx = pos[0] - last[0];
      const dy = pos[1] - last[1];
      last = pos;
      switch (activeTool) {
        case "scroll": {
          const per = Math.max(2, Math.min(12, vp.clientHeight / Math.max(1, this.items.length)));
          acc += dy;
          const n = Math.trunc(acc / per);
          if (n) {
            acc -= n * per;
            this.step(n);
          }
          break;
        }
        case "window": {
          const w = this.currentWindow();
          if (!w || !this.current) break;
          const [lo, hi] = modalityRange(this.current.inst, this.current.frame);
          const sens = Math.max((hi - lo) / 600, 0.05);
          this.inputAt = performance.now();
          this.setVoi({
            kind: "window",
            center: w.center + dy * sens,
            width: Math.max(1, w.width + dx * sens),
          });
          break;
        }
        case "pan":
          this.panX += dx;
          this.panY += dy;
          this.compose();
          break;
        case "zoom":
          this.zoomAt(Math.exp(-dy / 150), vp.clientWidth / 2, vp.clientHeight / 2);
          break;
        case "measure":
          if (this.drawing) {
            this.drawing = [this.drawing[0], this.toImage(...pos)];
            this.compose();
          }
          break;
      }
    });
    const end = (e: PointerEvent) => {
      if (!pointers.has(e.pointerId)) return;
      pointers.delete(e.pointerId);
      if (pointers.size < 2) pinch = null;
      if (pointers.size === 1) {
        last = [...pointers.values()][0];
        activeTool = "pan"; // the finger left on the screen after a pinch pans
      }
      if (this.drawing && pointers.size === 0) {
        const [a, b] = this.drawing;
        this.drawing = null;
        if (Math.hypot(b[0] - a[0], b[1] - a[1]) >= 1) {
          const k = this.key(this.items[this.index]);
          this.measures.set(k, [...(this.measures.get(k) ?? []), [a, b]]);
          $("measure-status").textContent = `Length: ${this.lengthText(a, b)}`;
        }
        this.compose();
      }
    };
    vp.addEventListener("pointerup", end);
    vp.addEventListener("pointercancel", end);
    let wheelAcc = 0;
    vp.addEventListener(
      "wheel",
      (e) => {
        e.preventDefault();
        const dy = e.deltaMode === 1 ? e.deltaY * 33 : e.deltaMode === 2 ? e.deltaY * 400 : e.deltaY;
        if (e.ctrlKey || e.metaKey) {
          const [x, y] = local(e);
          this.zoomAt(Math.exp(-dy / 300), x, y);
          return;
        }
        wheelAcc += dy;
        const n = Math.trunc(wheelAcc / 100) || (Math.abs(dy) >= 100 ? Math.sign(dy) : 0);
        if (n) {
          wheelAcc = 0;
          this.step(n);
        }
      },
      { passive: false },
    );
  }

  private bindKeys() {
    document.addEventListener("keydown", (e) => {
      const t = e.target as HTMLElement;
      if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA")) return;
      if (t && t.tagName === "BUTTON" && (e.key === " " || e.key === "Enter")) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const vp = $("viewport");
      const page = Math.max(1, Math.round(this.items.length / 10));
      let handled = true;
      switch (e.key) {
        case "ArrowDown":
        case "ArrowRight":
          if (e.shiftKey) {
            this.panX += e.key === "ArrowRight" ? 20 : 0;
            this.panY += e.key === "ArrowDown" ? 20 : 0;
            this.compose();
          } else this.step(1);
          break;
        case "ArrowUp":
        case "ArrowLeft":
          if (e.shiftKey) {
            this.panX -= e.key === "ArrowLeft" ? 20 : 0;
            this.panY -= e.key === "ArrowUp" ? 20 : 0;
            this.compose();
          } else this.step(-1);
          break;
        case "PageDown":
          this.step(page);
          break;
        case "PageUp":
          this.step(-page);
          break;
        case "Home":
          this.step(-this.items.length);
          break;
        case "End":
          this.step(this.items.length);
          break;
        case "+":
        case "=":
          this.zoomAt(1.25, vp.clientWidth / 2, vp.clientHeight / 2);
          break;
        case "-":
          this.zoomAt(0.8, vp.clientWidth / 2, vp.clientHeight / 2);
          break;
        case "1": {
          // actual pixels: one image pixel per device pixel
          const g = this.geometry();
          if (g.scale > 0) this.zoomAt(1 / (window.devicePixelRatio || 1) / g.scale, vp.clientWidth / 2, vp.clientHeight / 2);
          // and on whole device pixels, so each image pixel lands on exactly one screen pixel
          const a = this.geometry();
          const dpr = window.devicePixelRatio || 1;
          this.panX -= (a.x0 * dpr - Math.round(a.x0 * dpr)) / dpr;
          this.panY -= (a.y0 * dpr - Math.round(a.y0 * dpr)) / dpr;
          this.compose();
          break;
        }
        case " ":
          if (this.items.length > 1) this.toggleCine();
          break;
        case "o":
        case "O":
          this.toggleOverlay();
          break;
        case "i":
        case "I":
          this.toggleInvert();
          break;
        case "r":
        case "R":
          this.reset();
          break;
        case "s":
          this.setTool("scroll");
          break;
        case "w":
          this.setTool("window");
          break;
        case "p":
          this.setTool("pan");
          break;
        case "z":
          this.setTool("zoom");
          break;
        case "m":
          this.setTool("measure");
          break;
        case "Escape":
          this.stopCine();
          this.drawing = null;
          this.compose();
          break;
        default:
          handled = false;
      }
      if (handled) e.preventDefault();
    });
  }

  // ---- cine ----

  private toggleCine() {
    if (this.cineTimer !== null) this.stopCine();
    else this.startCine();
  }

  private startCine() {
    const b = $("cine");
    b.setAttribute("aria-pressed", "true");
    b.textContent = "Pause";
    const fpsInput = $<HTMLInputElement>("fps");
    let lastT = performance.now();
    const tick = () => {
      const fps = Math.min(60, Math.max(1, Number(fpsInput.value) || 10));
      const now = performance.now();
      if (now - lastT >= 1000 / fps - 2) {
        const next = (this.index + 1) % this.items.length;
        if (this.ready.has(this.key(this.items[next]))) {
          this.show(next);
          lastT = now;
        } else this.load(next).catch(() => {});
      }
      this.cineTimer = requestAnimationFrame(tick);
    };
    this.cineTimer = requestAnimationFrame(tick);
  }

  private stopCine() {
    if (this.cineTimer !== null) cancelAnimationFrame(this.cineTimer);
    this.cineTimer = null;
    const b = $("cine");
    b.setAttribute("aria-pressed", "false");
    b.textContent = "Play";
  }

  // ---- download ----

  private async downloadZip() {
    const btn = $<HTMLButtonElement>("download");
    const status = $("download-status");
    btn.disabled = true;
    try {
      const files = this.m.files;
      const out: Record<string, [Uint8Array, { level: 0 }]> = {};
      let done = 0;
      let next = 0;
      const worker = async () => {
        while (next < files.length) {
          const i = next++;
          const f = files[i];
          const b = f.chunks === 0 ? new Uint8Array(0) : await this.fileBytes(i);
          out[f.path] = [b, { level: 0 }];
          done++;
          status.textContent = `Decrypting ${done} of ${files.length} files…`;
        }
      };
      await Promise.all(Array.from({ length: 6 }, worker));
      // keep the manifest's order (DICOM files, README.TXT, DICOMDIR)
      const ordered: typeof out = {};
      for (const f of files) ordered[f.path] = out[f.path];
      const zip = zipSync(ordered);
      const url = URL.createObjectURL(new Blob([zip as BlobPart], { type: "application/zip" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = "scanpass-study.zip";
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      status.textContent = `Saved ${files.length} files (DICOM File-set with DICOMDIR).`;
    } catch (e) {
      status.textContent = `The download failed: ${e instanceof Error ? e.message : e}`;
    } finally {
      btn.disabled = false;
    }
  }
}

// A link pasted over this one (only the fragment differs) starts again from the new key.
window.addEventListener("hashchange", () => location.reload());
start();
