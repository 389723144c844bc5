// What the mouse, touch, wheel and keyboard (input.ts, keys.ts) may ask of the viewer: the
// viewer (viewer.ts) implements it, so input code does not reach into the viewer's state.

import type { Measurements } from "./measure";
import type { Viewport } from "./viewport";

/** What a one-finger or left-button drag on the image does. */
export type Tool = "scroll" | "window" | "pan" | "zoom" | "measure";

export interface Controls {
  readonly tool: Tool;
  readonly view: Viewport;
  readonly measures: Measurements;
  /** The number of slices of the series on screen. */
  sliceCount(): number;
  /** Moves `n` slices (clamped to the series). */
  step(n: number): void;
  /** Changes the window by a drag of (dx, dy) CSS pixels. */
  dragWindow(dx: number, dy: number): void;
  /** Zooms by `f` about canvas point (cx, cy), then draws. */
  zoomAt(f: number, cx: number, cy: number): void;
  /** Draws the canvas and the overlay again (after a pan or a measuring move). */
  compose(): void;
  /** Ends the measuring drag: keeps the line, says its length. */
  endMeasure(): void;
  setTool(t: Tool): void;
  toggleCine(): void;
  stopCine(): void;
  toggleOverlay(): void;
  toggleInvert(): void;
  reset(): void;
}
