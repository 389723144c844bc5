// The recipient's page: reads the link, asks for the passcode when the link says so, opens the
// share with WebCrypto, and shows the study. Nothing decrypted leaves this page (the zip is made
// here and handed to the browser's download).
//
// Where things are:
//   main.ts            boot: the link, the first screen (click, passcode), opening the share
//   pages.ts           the error pages
//   hook.ts, dom.ts    the test hook (`window.__scanpass`) and the page's elements
//   viewer/viewer.ts   the viewer: wires the pieces below to one series on screen
//   viewer/study.ts    the study model: series order, slices, fetching and decoding with caches
//   viewer/viewport.ts the canvas: fit, zoom, pan, drawing a slice
//   viewer/overlay.ts  the text in the image's corners; viewer/text.ts names and dates
//   viewer/measure.ts  length measurements; viewer/windowing.ts presets and window drags
//   viewer/input.ts    mouse, touch and wheel per tool; viewer/keys.ts the keyboard
//   viewer/toolbar.ts  the tool bar (folded on a phone), the slider; viewer/cine.ts playback
//   viewer/series-list.ts the series list and the header's study line; viewer/download.ts the zip
//   share.ts, dicom.ts, decode.ts, render.ts  the share format, DICOM, decoding, the display pipeline

import "./style.css";
import {
  deriveKeys,
  openManifest,
  parseLink,
  parseManifest,
  passcodeHash,
  Relay,
  RelayError,
  type Link,
  type ShareKeys,
} from "./share";
import { $ } from "./dom";
import { hook, setState } from "./hook";
import { errorPage, showMessage } from "./pages";
import { Viewer } from "./viewer/viewer";

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

// A link pasted over this one (only the fragment differs) starts again from the new key.
window.addEventListener("hashchange", () => location.reload());
start();
