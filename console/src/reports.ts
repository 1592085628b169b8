// Reports (safeguard.v1.Reports): the client, and a report's period, area
// and small-number rule in words, as the screen and its downloads say
// them; the report as CSV and as JSON, made in the browser and handed to
// it as a download (nothing is written to the browser's storage).
import { toJsonString } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";

import type { Date as Day } from "../gen/safeguard/v1/referral_pb";
import { type Report, Reports, ReportSchema } from "../gen/safeguard/v1/reports_pb";
import { transport } from "./api";
import { h } from "./dom";
import { partialDate, when } from "./format";

export const reports = createClient(Reports, transport);

// "1 October 2026 to 31 December 2026".
export function periodWords(start: Day | undefined, end: Day | undefined): string {
  return `${partialDate(start)} to ${partialDate(end)}`;
}

export function areaWords(area: string): string {
  return area || "The whole partnership";
}

// How small numbers were treated, in a sentence or two.
export function suppressionWords(r: Report): string {
  if (!r.suppressed) {
    return "Not suppressed: every figure is shown, small numbers included. Not for publication.";
  }
  const t = r.threshold;
  const small = t === 2 ? "A count of 1" : `A count from 1 to ${t - 1}`;
  return `${small}${r.zeroIsDisclosive ? " (or 0)" : ""} is shown as "fewer than ${t}", and a count ` +
      `from which one of those could be worked out (with a total and the rest of its row or column) as ` +
      `"suppressed". A rate, median or percentile from fewer than ${t} cases is shown as "too few cases".`;
}

// A field of a CSV line: quoted when it holds a comma, quote or line
// break; text a spreadsheet would take as a formula is kept as text.
function csvField(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

// The report as CSV: what it is, then one section a table (its title, a
// header row, a row a row of figures as the reader sees them, how it is
// counted), a blank line between.
export function reportCsv(r: Report): string {
  const lines: string[][] = [
    ["Report", r.title],
    ["Period", periodWords(r.startDate, r.endDate)],
    ["Area", areaWords(r.area)],
    ["Made", when(r.createTime)],
    ["Small numbers", suppressionWords(r)],
  ];
  for (const t of r.tables) {
    lines.push([], [t.title], [t.rowHeader, ...t.columns.map((c) => c.label)],
               ...t.rows.map((row) => [row.label, ...row.cells.map((c) => c.display)]));
    if (t.note) lines.push([t.note]);
  }
  return lines.map((l) => l.map(csvField).join(",")).join("\r\n") + "\r\n";
}

export function reportJson(r: Report): string {
  return toJsonString(ReportSchema, r, { prettySpaces: 2 }) + "\n";
}

const iso = (d: Day | undefined) =>
  d ? `${d.year}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}` : "";

// "safeguard-full-2026-10-01-to-2026-12-31-mid-suffolk.csv"; an
// unsuppressed report's name says so.
export function reportFileName(r: Report, ext: string): string {
  return [`safeguard-${r.report.replace(/^reports\//, "")}`, iso(r.startDate), "to", iso(r.endDate),
          r.area, r.suppressed ? "" : "unsuppressed"].filter(Boolean).join("-") + `.${ext}`;
}

// Hands `text` to the browser as a download of the file `name`.
export function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h("a", { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  // Once the browser has read it.
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}
