// The viewer: one series of the share on screen at a time. It holds what the reader chose (the
// series, the slice, the tool, the window, invert, overlay) and wires the pieces: the study model
// (study.ts) gets slices ready, the viewport (viewport.ts) draws them, input.ts and keys.ts turn
// gestures and keys into the calls of `Controls`, toolbar.ts and series-list.ts show the state.

import { IntegrityError, RelayError, type Link, type Manifest, type Relay, type ShareKeys } from "../share";
import { DecodeError } from "../dicom";
import type { Applied, Voi } from "../render";
import { $ } from "../dom";
import { hook, setState } from "../hook";
import { Cine } from "./cine";
import type { Controls, Tool } from "./controls";
import { downloadZip } from "./download";
import { bindPointer } from "./input";
import { bindKeys } from "./keys";
import { lengthText, Measurements } from "./measure";
import { updateOverlay } from "./overlay";
import { buildSeriesList, markCurrent, showNotes, studyLine } from "./series-list";
import { itemKey, seriesOrder, slicesOf, StudyFiles, type Item, type Ready } from "./study";
import { bindToolbar, fillPresets, showSlice, showTool, showVoi, sliceRange } from "./toolbar";
import { Viewport } from "./viewport";
import { dragWindow, presetVoi } from "./windowing";

export class Viewer implements Controls {
  private seriesIndex = -1;
  private items: Item[] = [];
  private index = 0;
  tool: Tool = "window";
  private voi: Voi = { kind: "default" };
  private invert = false;
  private overlayOn = true;
  private applied: Applied | null = null;
  private showToken = 0;
  private inputAt: number | null = null;
  /** The series in the order of the list: by study (the patient's order), then as in the manifest. */
  private order: number[];
  private files: StudyFiles;
  readonly view = new Viewport();
  readonly measures = new Measurements();
  private cine = new Cine(() => this.cineAdvance());

  constructor(
    link: Link,
    keys: ShareKeys,
    relay: Relay,
    private m: Manifest,
  ) {
    this.files = new StudyFiles(link, keys, relay, m);
    hook.cacheBytes = () => this.files.cacheBytes();
    this.order = seriesOrder(m);
    $("message").hidden = true;
    $("viewer").hidden = false;
    $("header-actions").hidden = false;
    setState("viewer");
    hook.studies = m.studies.length;
    showNotes(m);
    $("download").addEventListener("click", () =>
      downloadZip(
        this.m,
        (f) => this.files.fileBytes(f),
        () => this.files.fetchRest(),
      ),
    );
    $("viewer").classList.toggle("single-series", this.order.length < 2);
    buildSeriesList(m, this.order, { link, keys, relay }, (i) => this.selectSeries(i));
    bindToolbar({
      setTool: (t) => this.setTool(t),
      preset: (v) => {
        const voi = presetVoi(v, this.view.current);
        if (voi) this.setVoi(voi);
      },
      toggleOverlay: () => this.toggleOverlay(),
      toggleInvert: () => this.toggleInvert(),
      reset: () => this.reset(),
      toggleCine: () => this.toggleCine(),
      slice: (i) => {
        this.inputAt = performance.now();
        this.show(i);
      },
    });
    // on touch screens one finger scrolls the stack (pinch zooms and pans); a mouse adjusts the window
    this.setTool(matchMedia("(pointer: coarse)").matches ? "scroll" : this.tool);
    bindPointer(this);
    bindKeys(this);
    new ResizeObserver(() => this.compose()).observe($("viewport"));
    const first = this.order.find((i) => m.series[i].files.length > 0);
    if (first === undefined) {
      studyLine(m, 0);
      this.imageMessage("This share holds no images.");
      return;
    }
    this.selectSeries(first);
    (hook as unknown as { step: (d: number) => boolean }).step = (d) => this.benchStep(d);
  }

  // ---- series and slices ----

  private selectSeries(i: number) {
    if (i === this.seriesIndex) return;
    this.stopCine();
    this.seriesIndex = i;
    hook.series = i;
    const s = this.m.series[i];
    hook.study = s.study;
    markCurrent(i, s.study);
    studyLine(this.m, s.study);
    this.items = slicesOf(this.m, i);
    hook.count = this.items.length;
    hook.allLoaded = false;
    this.voi = { kind: "default" };
    this.measures.clear();
    this.view.resetView();
    fillPresets(s.modality ?? "");
    sliceRange(this.items.length);
    const start = Math.floor((this.items.length - 1) / 2);
    this.show(start);
    this.files.prefetch(this.items, this.index).then((done) => {
      if (done) hook.allLoaded = true;
    });
  }

  sliceCount() {
    return this.items.length;
  }

  private show(i: number) {
    if (!this.items.length) return;
    i = Math.max(0, Math.min(this.items.length - 1, i));
    this.index = i;
    hook.index = i;
    showSlice(i, this.items.length);
    const token = ++this.showToken;
    const r = this.files.readyOf(this.items[i]);
    if (r) return this.draw(r);
    this.files.load(this.items[i]).then(
      (r) => {
        if (token === this.showToken) this.draw(r);
      },
      (e) => {
        if (token !== this.showToken) return;
        this.view.current = null;
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

  step(d: number) {
    this.inputAt = performance.now();
    this.show(this.index + d);
  }

  /** For the benchmark: one step, and whether it was drawn at once (the slice was ready). */
  benchStep(d: number): boolean {
    const before = hook.draws;
    this.step(d);
    return hook.draws > before;
  }

  // ---- drawing ----

  private imageMessage(text: string | null) {
    const el = $("image-error");
    el.hidden = !text;
    el.textContent = text ?? "";
    hook.error = text ? "image" : null;
  }

  private draw(r: Ready) {
    this.imageMessage(null);
    this.applied = this.view.paint(r, this.voi, this.invert);
    hook.applied = this.applied;
    const it = this.items[this.index];
    hook.path = this.m.files[it.file].path;
    hook.frame = it.frame;
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

  compose() {
    const it = this.items[this.index];
    this.view.compose((ctx, toCanvas) =>
      this.measures.draw(ctx, toCanvas, it ? itemKey(it) : null, this.view.current?.inst.pixelSpacing),
    );
    this.overlay();
  }

  private overlay() {
    updateOverlay({
      on: this.overlayOn,
      m: this.m,
      series: this.seriesIndex,
      items: this.items,
      index: this.index,
      current: this.view.current,
      applied: this.applied,
      voi: this.voi,
      invert: this.invert,
      scale: this.view.geometry().scale,
    });
  }

  private redraw() {
    if (this.view.current) this.draw(this.view.current);
    else this.compose();
  }

  zoomAt(f: number, cx: number, cy: number) {
    this.view.zoomAt(f, cx, cy);
    this.compose();
  }

  endMeasure() {
    const it = this.items[this.index];
    const line = this.measures.finish(it ? itemKey(it) : "");
    if (line) $("measure-status").textContent = `Length: ${lengthText(line[0], line[1], this.view.current?.inst.pixelSpacing)}`;
    this.compose();
  }

  // ---- what the reader chooses ----

  setTool(t: Tool) {
    this.tool = t;
    showTool(t);
  }

  private setVoi(v: Voi) {
    this.voi = v;
    showVoi(v);
    this.redraw();
  }

  dragWindow(dx: number, dy: number) {
    const v = dragWindow(this.applied, this.view.current, dx, dy);
    if (!v) return;
    this.inputAt = performance.now();
    this.setVoi(v);
  }

  toggleOverlay() {
    this.overlayOn = !this.overlayOn;
    $("overlay-toggle").setAttribute("aria-pressed", String(this.overlayOn));
    this.overlay();
  }

  toggleInvert() {
    this.invert = !this.invert;
    $("invert").setAttribute("aria-pressed", String(this.invert));
    this.redraw();
  }

  reset() {
    this.view.resetView();
    this.invert = false;
    $("invert").setAttribute("aria-pressed", "false");
    this.measures.clear();
    $("measure-status").textContent = "";
    this.setVoi({ kind: "default" });
  }

  // ---- cine ----

  toggleCine() {
    this.cine.toggle();
  }

  stopCine() {
    this.cine.stop();
  }

  /** Cine's next slice: shown when it is ready (true), else loading it is begun. */
  private cineAdvance(): boolean {
    const next = (this.index + 1) % this.items.length;
    if (this.files.isReady(this.items[next])) {
      this.show(next);
      return true;
    }
    this.files.load(this.items[next]).catch(() => {});
    return false;
  }
}
