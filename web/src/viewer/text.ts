// How the viewer writes names, dates and numbers from the files (the header, the overlay, the
// series list).

/** A DICOM person name (Family^Given^Middle^Prefix^Suffix) as people write it, family name in
 * capitals; only the first (alphabetic) group. */
export function personName(pn: string | null | undefined): string {
  if (!pn) return "";
  const [family, given, middle, prefix, suffix] = pn.split("=")[0].split("^");
  return [prefix, given, middle, family && family.toUpperCase(), suffix].filter(Boolean).join(" ");
}

/** A DICOM date (YYYYMMDD) as YYYY-MM-DD; anything else as it is. */
export function isoDate(d: string | null | undefined): string {
  return d && /^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : d ?? "";
}

/** A millimetre or window value: whole from 100 up, else one decimal (none when it is .0). */
export const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1).replace(/\.0$/, ""));
