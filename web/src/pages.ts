// The pages that replace the viewer when a share cannot be shown: each error of the link, the
// relay or the share's data gets a title and a sentence a doctor can act on, and a state code
// (`body[data-state="error:CODE"]`, the hook's `error`) that the tests read.

import { FormatError, IntegrityError, LinkError, RelayError } from "./share";
import { $ } from "./dom";
import { hook, setState } from "./hook";

export function showMessage(title: string, text: string, opts: { code: string; retry?: () => void }) {
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

export function errorPage(e: unknown, retry: () => void) {
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
