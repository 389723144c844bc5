// The zip download: every file of the share (the DICOM File-set with its DICOMDIR and README)
// decrypted here and zipped in the browser, stored uncompressed, handed to the browser's download.

import { zipSync } from "fflate";
import type { Manifest } from "../share";
import { $ } from "../dom";

/** Zips the manifest's files, reading each with `fileBytes` (six at a time), then fetches the rest
 * of the share with `rest` (its padding: the relay sees a whole download, ADR 9), and saves the
 * zip; progress and the outcome in the status next to the button. */
export async function downloadZip(
  m: Manifest,
  fileBytes: (i: number) => Promise<Uint8Array>,
  rest: () => Promise<void>,
) {
  const btn = $<HTMLButtonElement>("download");
  const status = $("download-status");
  btn.disabled = true;
  try {
    const files = m.files;
    const out: Record<string, [Uint8Array, { level: 0 }]> = {};
    let done = 0;
    let next = 0;
    const worker = async () => {
      while (next < files.length) {
        const i = next++;
        const f = files[i];
        const b = f.chunks === 0 ? new Uint8Array(0) : await fileBytes(i);
        out[f.path] = [b, { level: 0 }];
        done++;
        status.textContent = `Decrypting ${done} of ${files.length} files…`;
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    await rest();
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
