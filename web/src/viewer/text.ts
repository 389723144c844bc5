// How the viewer writes names, dates and numbers from the files (the header, the overlay, the
// series list).

import { number } from "./rules";

/** A DICOM person name as people write it: the core's rule (rules.ts). */
export { personName } from "./rules";

/** A DICOM date (YYYYMMDD) as YYYY-MM-DD; anything else as it is. */
export function isoDate(d: string | null | undefined): string {
  return d && /^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : d ?? "";
}

/** A millimetre or window value: whole from 100 up, else one decimal (none when it is .0). */
export const fmt = number;
