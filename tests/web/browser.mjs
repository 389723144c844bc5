// Debian's chromium driven by playwright-core (Playwright's own browser download does not work
// here): headless, no sandbox (CI runs as root), no background networking (the network is closed).
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.SCANPASS_CHROMIUM ?? "/usr/bin/chromium";

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}
