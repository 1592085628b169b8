// The periods a report is usually run for, from today in the partnership's
// zone: this and last quarter (January to March, April to June, ...) and
// this and last financial year (1 April to 31 March). Each is whole days,
// both included, as RunReportRequest takes them.
import { create } from "@bufbuild/protobuf";

import { type Date as Day, DateSchema } from "../gen/safeguard/v1/referral_pb";

export interface Period {
  id: string;
  label: string;
  start: Day;
  end: Day;
}

// The first day of month `month` of `year` (months past 12 or before 1
// roll into the next or last year), and the last day of the month.
function firstOf(year: number, month: number): Day {
  const d = new Date(Date.UTC(year, month - 1, 1));
  return create(DateSchema, { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: 1 });
}

function lastOf(year: number, month: number): Day {
  const d = new Date(Date.UTC(year, month, 0));
  return create(DateSchema, { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
}

export function periods(today: { year: number; month: number }): Period[] {
  const { year, month } = today;
  const quarter = month - ((month - 1) % 3);  // its first month
  const fy = month >= 4 ? year : year - 1;    // the year its April falls in
  return [
    { id: "this-quarter", label: "This quarter", start: firstOf(year, quarter), end: lastOf(year, quarter + 2) },
    { id: "last-quarter", label: "Last quarter", start: firstOf(year, quarter - 3), end: lastOf(year, quarter - 1) },
    { id: "this-year", label: "This financial year", start: firstOf(fy, 4), end: lastOf(fy + 1, 3) },
    { id: "last-year", label: "Last financial year", start: firstOf(fy - 1, 4), end: lastOf(fy, 3) },
  ];
}
