// The processes a browser test talks to, each on a loopback origin of its own: the relay
// (scanpass-relay), the viewer's static host (scripts/viewer-host, a stand-in for the production
// one: ADR 8) and, when a test wants everything the relay receives, a recording proxy in front of
// the relay (tests/share/capture_proxy.py). Each prints `listening on URL` first.

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { openSync } from "node:fs";
import { join } from "node:path";

const ROOT = new URL("../..", import.meta.url).pathname;

function started(child, what) {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once("line", (line) => {
      const m = /listening on (\S+)/.exec(line);
      m ? resolve({ child, url: m[1] }) : reject(new Error(`${what} said ${line}`));
    });
    child.once("exit", (c) => reject(new Error(`${what} exited ${c}`)));
  });
}

/** scanpass-relay on a free loopback port; logs to DIR/relay.log (a full stderr pipe would stall
 * it while execFileSync blocks this event loop). */
export function startRelay(bin, dir, extra = []) {
  const child = spawn(bin, ["--listen", "127.0.0.1:0", "--data", join(dir, "relay"), ...extra], {
    stdio: ["ignore", "pipe", openSync(join(dir, "relay.log"), "a")],
  });
  return started(child, "relay");
}

/** The viewer build DIST served as a static host would, at a versioned path; the URL is the
 * viewer's base address (ends in /). `log`: a file of every request the host receives. */
export function startViewerHost(dist, { prefix = "/viewer/0.1.0/", log = null } = {}) {
  const child = spawn("python3", [join(ROOT, "scripts/viewer-host"), dist, "--prefix", prefix, ...(log ? ["--log", log] : [])], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return started(child, "viewer host");
}

/** A recording proxy in front of the relay at `relay`: everything it is sent goes to `capture`. */
export function startCapture(relay, capture) {
  const child = spawn("python3", [join(ROOT, "tests/share/capture_proxy.py"), relay, capture], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return started(child, "capture proxy");
}

/** The viewer's first screen: what state it is in once it has read the link. */
export const FIRST = /^(closed|passcode|error)/;

/** Opens `link` and, when the first screen asks for a click only (no passcode), clicks "Open the
 * shared images"; resolves once an image is shown, a passcode is asked for or an error shown. */
export async function openLink(page, link, { click = true } = {}) {
  await page.goto(link);
  await page.waitForFunction((re) => window.__scanpass && new RegExp(re).test(window.__scanpass.state), FIRST.source, {
    timeout: 30000,
  });
  if (click && (await page.evaluate(() => window.__scanpass.state)) === "closed") await page.click("#passcode-submit");
  await page.waitForFunction(
    () => window.__scanpass && (window.__scanpass.firstImageAt !== null || /^error|^passcode/.test(window.__scanpass.state) || window.__scanpass.error),
    null,
    { timeout: 30000 },
  );
}
