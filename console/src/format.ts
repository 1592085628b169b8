// How the console writes the API's values in words: states and actions,
// enums, dates and deadlines. Times are shown in the partnership's zone and
// deadlines counted in its working days, both as the server reports them
// (GetServerInfo's time_zone and bank_holidays).
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { timestampDate } from "@bufbuild/protobuf/wkt";

import type { Date as PartialDate } from "../gen/safeguard/v1/referral_pb";
import { h } from "./dom";
import { session } from "./session";
const ACRONYMS = new Set(["RG", "CG", "NRM", "DTN", "REF", "NFA", "PCM", "ES",
                          "VAF", "SCA", "MARAC", "IDVA", "CCTV", "DPA", "SCH1",
                          "PARA18", "CTSA", "S115", "S52", "S36", "3M", "6M",
                          "NHS", "PNC"]);

// "RG_PENDING" -> "RG pending"; "record_rg_decision" -> "Record RG decision".
export function words(name: string): string {
  const parts = name.split("_").filter(Boolean).map((p) => {
    const upper = p.toUpperCase();
    return ACRONYMS.has(upper) ? upper : p.toLowerCase();
  });
  if (parts.length === 0) return "";
  parts[0] = parts[0][0].toUpperCase() + parts[0].slice(1);
  return parts.join(" ");
}

// Enum values whose name alone reads badly, or says too little, in words.
const VALUE_WORDS: Record<string, string> = {
  SUBJECT: "The person themselves",
  LOCAL_AUTHORITY: "Local authority (parental responsibility)",
  // A MARAC victim's equality monitoring (VictimCharacteristics).
  AGE_16_17: "16 to 17", AGE_18_24: "18 to 24", AGE_25_34: "25 to 34", AGE_35_44: "35 to 44",
  AGE_45_54: "45 to 54", AGE_55_64: "55 to 64", AGE_65_OR_OVER: "65 or over",
  ASIAN: "Asian, Asian British or Asian Welsh", BLACK: "Black, Black British, Black Welsh, Caribbean or African",
  MIXED: "Mixed or multiple ethnic groups",
  ANSWER_YES: "Yes", ANSWER_NO: "No", ANSWER_PREFER_NOT_TO_SAY: "Prefer not to say",
};

// An enum value's name ("LOCAL_AUTHORITY"), as the API writes it in JSON,
// in words.
export function valueWords(name: string): string {
  return VALUE_WORDS[name] ?? words(name);
}

// An enum value's name from its generated enum object, in words.
export function enumWords(e: Record<string | number, string | number>, value: number): string {
  const name = e[value];
  return typeof name === "string" ? valueWords(name) : String(value);
}

export function kindWords(kind: number): string {
  return ["Unspecified", "NRM", "Channel", "MARAC", "Target hardening"][kind] ?? String(kind);
}

// A kind inside a sentence, and the article it takes: "a" and
// "target-hardening" make "a target-hardening referral"; "an NRM referral".
export function kindInSentence(kind: number): [string, string] {
  const name = ["unspecified", "NRM", "Channel", "MARAC", "target-hardening"][kind] ?? String(kind);
  return [/^[aeiouN]/.test(name) ? "an" : "a", name];
}

// A state in the middle of a sentence: "submitted", "RG pending".
export function stateInSentence(state: string): string {
  const w = words(state);
  return /^[A-Z0-9]{2,}\b/.test(w) ? w : w.charAt(0).toLowerCase() + w.slice(1);
}

// The kinds whose subject is a victim of domestic abuse: MARAC (3) and
// target hardening (4), by number, as kindWords has them.
const ABOUT_A_VICTIM = new Set([3, 4]);

// A person a referral names, by the path the API gives ("subjects[0]",
// "marac.perpetrator", "marac.children[1]"), in words, by the referral's
// kind: "The victim", "Person 1", "The perpetrator", "Child 2".
export function personWords(kind: number, path: string): string {
  const item = /^(subjects|marac\.children)\[(\d+)\]$/.exec(path);
  if (item?.[1] === "subjects") {
    return ABOUT_A_VICTIM.has(kind) && item[2] === "0" ? "The victim" : `Person ${Number(item[2]) + 1}`;
  }
  if (item) return `Child ${Number(item[2]) + 1}`;
  if (path === "marac.perpetrator") return "The perpetrator";
  return path;
}

// As whom another referral, of `kind`, names someone ("subject",
// "perpetrator", "child"), inside a sentence: "the victim", "the person
// referred", "the perpetrator", "a child".
export function namedAsWords(kind: number, namedAs: string): string {
  if (namedAs === "subject") return ABOUT_A_VICTIM.has(kind) ? "the victim" : "the person referred";
  if (namedAs === "perpetrator") return "the perpetrator";
  if (namedAs === "child") return "a child";
  return words(namedAs).toLowerCase();
}

// Why two people may be the same (the server's person matching), in words.
const MATCH_REASONS: Record<string, string> = {
  same_name: "same name", nickname: "nickname", spelling_variant: "spelling variant",
  alias: "other name", same_date_of_birth: "same date of birth",
  date_of_birth_at_precision: "date of birth agrees as far as known",
  same_identifier: "same NHS number or PNC id",
};

export function matchReasonWords(reason: string): string {
  return MATCH_REASONS[reason] ?? words(reason).toLowerCase();
}

// An identifier other services give a person (PersonIdentifierType), by
// its number or its name in JSON: "NHS number", "PNC id".
export function identifierWords(type: number | string): string {
  if (type === 1 || type === "NHS_NUMBER") return "NHS number";
  if (type === 2 || type === "PNC_ID") return "PNC id";
  return "Identifier";
}

// A link between two referrals (LinkType, LinkStatus): what the other
// referral is, and where the link stands, as this referral's side sees it.
export function linkTypeWords(type: number): string {
  return ["Unspecified", "MARAC case", "Target-hardening job"][type] ?? String(type);
}

export function linkStatusWords(status: number): string {
  return ["Unspecified", "Linked", "Asked for by you — waiting for the other coordinator",
          "Asked for by the other coordinator"][status] ?? String(status);
}

// The partnership's calendar, from GetServerInfo: the zone's offsets from
// UTC (its changes a year either side of now, by the server's own zone
// data) and the bank holidays. Times within the offsets are worked out
// here; the browser's Intl, whose locale and zone data take it tens of
// milliseconds to load, is used only for a time outside them.
interface Calendar {
  offsets: { from: number; offsetMs: number }[];  // in order of `from`
  holidays: Set<number>;  // UTC midnight of each bank holiday
  outside?: Intl.DateTimeFormat;  // made when first needed
}
let calendar: Calendar | undefined;
let calendarOf: unknown;  // the GetServerInfo answer it was made from

function cal(): Calendar {
  const info = session().info;
  if (calendar && calendarOf === info) return calendar;
  calendarOf = info;
  calendar = {
    offsets: info.zoneOffsets.map((o) => ({
      from: o.from ? timestampDate(o.from).getTime() : -Infinity,
      offsetMs: o.utcOffsetSeconds * 1000,
    })),
    holidays: new Set(info.bankHolidays.map((d) => Date.UTC(d.year, d.month - 1, d.day))),
  };
  return calendar;
}

// The wall clock in the partnership's zone at `t`, as the UTC fields of
// the Date returned.
function wallClock(t: Date): Date {
  const c = cal();
  const { offsets } = c;
  const ms = t.getTime();
  // The offsets run from about a year before now to about a year after
  // (the server's 400 days, less a margin for this browser's clock).
  if (offsets.length > 0 && ms >= offsets[0].from && ms < Date.now() + COVERED_AHEAD_MS) {
    let i = offsets.length - 1;
    while (offsets[i].from > ms) i--;
    return new Date(ms + offsets[i].offsetMs);
  }
  c.outside ??= new Intl.DateTimeFormat("en-GB", {
    timeZone: session().info.timeZone || "Europe/London", hourCycle: "h23",
    year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric",
  });
  // By parts, not by a formatted string, whose layout differs between ICU
  // versions.
  const parts = c.outside.formatToParts(t);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return new Date(Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute")));
}

const COVERED_AHEAD_MS = 365 * 86400000;

const pad = (n: number) => String(n).padStart(2, "0");

// "16:00", in the partnership's zone.
function clock(t: Date): string {
  const w = wallClock(t);
  return `${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}`;
}

// "18 December 2026", in the partnership's zone.
function day(t: Date): string {
  const w = wallClock(t);
  return `${w.getUTCDate()} ${MONTHS[w.getUTCMonth()]} ${w.getUTCFullYear()}`;
}

// Today in the partnership's zone.
export function today(now = new Date()): { year: number; month: number; day: number } {
  const w = wallClock(now);
  return { year: w.getUTCFullYear(), month: w.getUTCMonth() + 1, day: w.getUTCDate() };
}

// "18 December 2026, 16:00", in the partnership's zone.
function dayAndClock(t: Date): string {
  return `${day(t)}, ${clock(t)}`;
}

export function when(ts: Timestamp | undefined): string {
  return ts ? dayAndClock(timestampDate(ts)) : "";
}

// "18 December 2026": the day alone, in the partnership's zone.
export function dayOf(ts: Timestamp | undefined): string {
  return ts ? day(timestampDate(ts)) : "";
}

// An RFC 3339 time from the API's JSON form.
export function whenIso(iso: string): string {
  return dayAndClock(new Date(iso));
}

export function isoTime(ts: Timestamp | undefined): string {
  return ts ? timestampDate(ts).toISOString() : "";
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July",
                "August", "September", "October", "November", "December"];

// A partial date: "1990", "March 1990" or "14 March 1990".
export function partialDate(d: PartialDate | undefined): string {
  if (!d || d.year === 0) return "";
  if (d.month === 0) return String(d.year);
  if (d.day === 0) return `${MONTHS[d.month - 1]} ${d.year}`;
  return `${d.day} ${MONTHS[d.month - 1]} ${d.year}`;
}

// The calendar day (in the partnership's zone) of a time, as a UTC date,
// so days can be counted without daylight-saving surprises.
function civilDay(t: Date): Date {
  const w = wallClock(t);
  return new Date(Date.UTC(w.getUTCFullYear(), w.getUTCMonth(), w.getUTCDate()));
}

const DAY_MS = 86400000;

// Working days (Monday to Friday, not a bank holiday) from the day after
// `from` up to and including `to`.
function workingDaysBetween(from: Date, to: Date): number {
  const { holidays } = cal();
  let count = 0;
  for (let t = from.getTime() + DAY_MS; t <= to.getTime(); t += DAY_MS) {
    const day = new Date(t).getUTCDay();
    if (day !== 0 && day !== 6 && !holidays.has(t)) count++;
  }
  return count;
}

export interface DeadlineTag {
  text: string;
  // A GOV.UK tag colour: red overdue, orange today, yellow soon, grey later.
  colour: "red" | "orange" | "yellow" | "grey";
}

// "overdue 2 days", "due today at 16:00", "due in 3 working days".
export function deadlineTag(deadline: Timestamp | undefined, now: Date): DeadlineTag | undefined {
  if (!deadline) return undefined;
  const due = timestampDate(deadline);
  const dueDay = civilDay(due);
  const today = civilDay(now);
  if (due.getTime() <= now.getTime()) {
    const days = Math.round((today.getTime() - dueDay.getTime()) / DAY_MS);
    return { text: days <= 0 ? `overdue since ${clock(due)}`
                   : `overdue ${days} day${days === 1 ? "" : "s"}`, colour: "red" };
  }
  if (dueDay.getTime() === today.getTime()) {
    return { text: `due today at ${clock(due)}`, colour: "orange" };
  }
  const working = workingDaysBetween(today, dueDay);
  if (dueDay.getTime() - today.getTime() === DAY_MS) {
    return { text: `due tomorrow at ${clock(due)}`, colour: "yellow" };
  }
  return { text: `due in ${working} working day${working === 1 ? "" : "s"}`,
           colour: working <= 2 ? "yellow" : "grey" };
}

export function deadlineElement(deadline: Timestamp | undefined, now: Date): HTMLElement {
  const tag = deadlineTag(deadline, now);
  if (!tag) return h("span", "no deadline");
  return h(`strong.govuk-tag.govuk-tag--${tag.colour}`,
           { title: deadline ? dayAndClock(timestampDate(deadline)) : "" }, tag.text);
}

const PRIORITY_COLOURS = ["grey", "grey", "blue", "orange", "red"];
export function priorityElement(priority: number): HTMLElement {
  const name = ["Not set", "Standard", "Medium", "High", "Critical"][priority] ?? String(priority);
  return h(`strong.govuk-tag.govuk-tag--${PRIORITY_COLOURS[priority] ?? "grey"}`, name);
}
