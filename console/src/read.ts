// Reading a form's answers into API values. Where an answer cannot be a
// value at all (letters in a date), the field is reported in the same shape
// as the server's field violations, so both show the same way.
import type { Problem } from "./api";
import { valueWords } from "./format";

export type Violations = Problem["fields"];

export function text(form: HTMLFormElement, path: string): string {
  return String(new FormData(form).get(path) ?? "").trim();
}

// A text area's lines, trimmed, without the empty ones ("one per line").
export function lines(form: HTMLFormElement, path: string): string[] {
  return text(form, path).split("\n").map((l) => l.trim()).filter(Boolean);
}

// A single checkbox whose value is "true".
export function flag(form: HTMLFormElement, path: string): boolean {
  return text(form, path) === "true";
}

export function all(form: HTMLFormElement, path: string): string[] {
  return new FormData(form).getAll(path).map(String);
}

export function number(form: HTMLFormElement, path: string, bad: Violations): number {
  const v = text(form, path);
  if (v === "") return 0;
  if (!/^\d+$/.test(v)) {
    bad.push({ field: path, description: "must be a whole number" });
    return 0;
  }
  return Number(v);
}

export interface DateParts { year: number; month: number; day: number }

// A date from day / month / year boxes; day and month may be empty.
export function date(form: HTMLFormElement, path: string, bad: Violations): DateParts | undefined {
  const parts = ["day", "month", "year"].map((p) => text(form, `${path}.${p}`));
  if (parts.every((p) => p === "")) return undefined;
  if (parts.some((p) => p !== "" && !/^\d+$/.test(p))) {
    bad.push({ field: path, description: "must be written in numbers, for example 27 3 1990" });
    return undefined;
  }
  const [day, month, year] = parts.map((p) => (p === "" ? 0 : Number(p)));
  return { year, month, day };
}

// A date and a 24-hour time ("14:30") in the browser's zone.
export function dateTime(form: HTMLFormElement, path: string, bad: Violations): Date | undefined {
  const d = date(form, path, bad);
  const t = text(form, `${path}.time`);
  if (!d) {
    if (t) bad.push({ field: path, description: "needs a date" });
    return undefined;
  }
  const m = /^(\d{1,2}):(\d{2})$/.exec(t);
  const at = m && d.day && d.month ? localTime(d.year, d.month, d.day, Number(m[1]), Number(m[2])) : undefined;
  if (!at) {
    bad.push({ field: path, description: "needs a full, real date and a time such as 14:30" });
    return undefined;
  }
  return at;
}

// A time in the browser's zone, or undefined if the parts name no real
// one (31 February, 25:00, year 10000): Date would quietly roll them on.
export function localTime(year: number, month: number, day: number, hours: number,
                          minutes: number): Date | undefined {
  if (year < 1900 || year > 9999) return undefined;
  const at = new Date(2000, 0, 1, 0, 0);
  at.setFullYear(year, month - 1, day);
  at.setHours(hours, minutes, 0, 0);
  const same = at.getFullYear() === year && at.getMonth() === month - 1 && at.getDate() === day &&
      at.getHours() === hours && at.getMinutes() === minutes;
  return same ? at : undefined;
}

// [value, words] for each value of a generated enum except its zero.
export function enumOptions(e: object): [string, string][] {
  return Object.entries(e)
      .filter(([k, v]) => typeof v === "number" && v !== 0 && isNaN(Number(k)))
      .map(([k, v]) => [String(v), valueWords(k)]);
}
