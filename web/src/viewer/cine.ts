// Cine: plays the series at the rate in the frames-per-second field, looping; a slice not decoded
// yet is waited for rather than skipped.

import { $ } from "../dom";
import { cineFps } from "./rules";

export class Cine {
  private timer: number | null = null;

  /** `advance`: shows the next slice when it is ready and says so; else starts loading it. */
  constructor(private advance: () => boolean) {}

  toggle() {
    if (this.timer !== null) this.stop();
    else this.start();
  }

  start() {
    const b = $("cine");
    b.setAttribute("aria-pressed", "true");
    b.textContent = "Pause";
    const fpsInput = $<HTMLInputElement>("fps");
    let lastT = performance.now();
    const tick = () => {
      const fps = cineFps(Number(fpsInput.value));
      const now = performance.now();
      if (now - lastT >= 1000 / fps - 2) {
        if (this.advance()) lastT = now;
      }
      this.timer = requestAnimationFrame(tick);
    };
    this.timer = requestAnimationFrame(tick);
  }

  stop() {
    if (this.timer !== null) cancelAnimationFrame(this.timer);
    this.timer = null;
    const b = $("cine");
    b.setAttribute("aria-pressed", "false");
    b.textContent = "Play";
  }
}
