// Every field of a referral the caller's view holds, as summary-list rows:
// the page walks the referral as the API returned it (JSON names), so what
// is on screen is exactly what the view disclosed, no more and no less.
// Each value carries data-field="<JSON path>" (e.g. "subjects[0].fullName").
import type { DescMessage, JsonObject, JsonValue } from "@bufbuild/protobuf";

import { ReferralSchema } from "../gen/safeguard/v1/referral_pb";
import { type Child, h } from "./dom";
import { identifierWords, partialDate, valueWords, whenIso } from "./format";
import { session } from "./session";

const LABELS: Record<string, string> = {
  fullName: "Name", dateOfBirth: "Date of birth", approximateAge: "Approximate age",
  safeContact: "Safe contact", neverAtAddress: "Never contact at the address",
  referringAgency: "Referring agency", createTime: "Received", updateTime: "Last changed",
  externalReferences: "External references", legalBasis: "Legal basis",
  recordedBy: "Recorded by", recordTime: "Recorded", givenBy: "Given by",
  capacity: "Capacity to consent",
  subjectIsChild: "The subject is a child", subjectIsMinor: "The subject is under 18",
  exploitationTypes: "Exploitation types", childrenServicesContact: "Children's services contact",
  reasonableGrounds: "Reasonable grounds decision", conclusiveGrounds: "Conclusive grounds decision",
  recoveryPeriodEnd: "Recovery period ends", ideologyOrGroup: "Ideology or group",
  onlineActivity: "Online activity", otherSafeguardingConcerns: "Other safeguarding concerns",
  vafAssessments: "VAF assessments", exitTime: "Exited Channel", dashScore: "DASH score",
  questionSetVersion: "Question set", professionalJudgement: "Professional judgement",
  professionalJudgementRationale: "Why (professional judgement)",
  incidentsLastPeriod: "Incidents in the escalation period", idvaReferral: "Referred to an IDVA",
  meetingDate: "Meeting date", accessInstructions: "Access instructions",
  measuresRequested: "Measures requested", measuresInstalled: "Measures installed",
  fireArsonRisk: "Fire or arson risk", landlordPermission: "Landlord's permission",
  perpetratorResident: "Perpetrator lives there", appointmentTime: "Appointment",
  emergencyServicesFlag: "Emergency services flag", needsAccommodation: "Needs accommodation",
  needsMedical: "Needs medical care", needsInterpreter: "Needs an interpreter",
  interpreterLanguage: "Interpreter language", factorScores: "Factor scores",
  engagementTotal: "Engagement total", intentTotal: "Intent total",
  capabilityTotal: "Capability total", assessTime: "Assessed", assessedBy: "Assessed by",
  frameworkVersion: "Framework", decisionDate: "Decision date", ownerAgency: "Owner",
  dueDate: "Due", postcode: "Postcode", lines: "Address", town: "Town", dash: "DASH",
  answers: "Answers", criteria: "Criteria",
  repeatClaim: "Why the referrer says this is a repeat", repeatClaimed: "Repeat claimed by the referrer",
  victim: "Equality monitoring", ethnicityGroup: "Ethnic group", lgbt: "LGBT+",
};

export function label(key: string): string {
  if (LABELS[key]) return LABELS[key];
  const spaced = key.replace(/([A-Z])/g, " $1").toLowerCase();
  return spaced[0].toUpperCase() + spaced.slice(1);
}

function isDate(v: JsonValue): v is { year: number; month?: number; day?: number } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && "year" in v &&
      Object.keys(v).every((k) => ["year", "month", "day"].includes(k));
}

const TIME_KEYS = /Time$|^recoveryPeriodEnd$|^time$|^deadline$/;

// The JSON names of a referral's enum fields, from its schema, and its
// state (a string holding a name such as "RG_PENDING"): only their values
// are names to put in words. A person's "EV" or a postcode "IP331AA" is
// shown as written.
let enumKeys: Set<string> | undefined;
export function isEnumKey(key: string): boolean {
  if (!enumKeys) {
    const keys = new Set(["state"]);
    const seen = new Set<DescMessage>();
    const walk = (m: DescMessage) => {
      if (seen.has(m)) return;
      seen.add(m);
      for (const f of m.fields) {
        if (f.enum) keys.add(f.jsonName);
        if (f.message) walk(f.message);
      }
    };
    walk(ReferralSchema);
    enumKeys = keys;
  }
  return enumKeys.has(key);
}

// A scalar or list of scalars in words.
function scalar(key: string, v: JsonValue): string {
  if (Array.isArray(v)) return v.map((x) => scalar(key, x)).join(", ");
  if (typeof v === "boolean") return v ? "Yes" : "No";
  if (typeof v === "string" && TIME_KEYS.test(key)) return whenIso(v);
  if (typeof v === "string" && isEnumKey(key)) return valueWords(v);
  return String(v);
}

// The DASH answers with their questions, from the server's question set.
function dashAnswers(answers: JsonValue[], version: string, path: string): HTMLElement {
  const set = session().info.dashQuestionSets.find((s) => s.version === version);
  return h("ol.govuk-list.govuk-list--number", { "data-field": path },
    answers.map((a, i) => h("li", `${set?.questions[i] ?? `Question ${i + 1}`}: `,
                             h("strong", scalar("answers", a)))));
}

// A label (text, or an element marked with the JSON path it shows), the
// value, and the value's JSON path.
export type Row = [Child, Child, string?];

// A MARAC case's criteria in words; a repeat the referrer claims (REPEAT
// from the claim, not from the server's records) says so, marked with the
// path of repeatClaimed.
function criteriaWords(criteria: JsonValue[], claimed: boolean, claimedPath: string): Child[] {
  const mark = () => h("span", { "data-field": claimedPath }, "(claimed by the referrer)");
  const out: Child[] = criteria.map((c, i) => [i ? ", " : "", scalar("criteria", c),
                                               claimed && c === "REPEAT" ? [" ", mark()] : null]);
  if (claimed && !criteria.includes("REPEAT")) out.push(" ", mark());
  return out;
}

// Rows for every leaf under `obj`: nested messages are flattened with their
// label as a prefix; lists of messages get a numbered prefix each.
export function rows(obj: JsonObject, path: string, prefix = ""): Row[] {
  const out: Row[] = [];
  const at = (key: string) => (path ? `${path}.${key}` : key);
  // An address's lines are the address itself: "Address", not
  // "Address: address". After a prefix a label is lower case, unless it
  // begins with an acronym ("LGBT+").
  const inSentence = (text: string) => (/^[A-Z]{2}/.test(text) ? text : text.toLowerCase());
  const nameOf = (key: string) => (prefix && key === "lines" ? prefix
      : prefix ? `${prefix}: ${inSentence(label(key))}` : label(key));
  // A MARAC case's criteria carry whether the repeat is claimed, and the
  // claim follows them.
  const criteria = Array.isArray(obj.criteria) ? obj.criteria : undefined;
  for (const [key, value] of Object.entries(obj)) {
    const p = at(key);
    const name = nameOf(key);
    if (criteria && (key === "repeatClaimed" || key === "repeatClaim")) continue;
    if (key === "criteria" && criteria) {
      out.push([name, criteriaWords(criteria, obj.repeatClaimed === true, at("repeatClaimed")), p]);
      if (typeof obj.repeatClaim === "string") {
        out.push([nameOf("repeatClaim"), obj.repeatClaim, at("repeatClaim")]);
      }
    } else if (key === "identifiers" && Array.isArray(value)) {
      // Each identifier under its type's name: "NHS number", "The
      // perpetrator: PNC id".
      value.forEach((item, i) => {
        const id = item as JsonObject;
        const type = h("span", { "data-field": id.type ? `${p}[${i}].type` : null }, identifierWords(String(id.type ?? "")));
        out.push([prefix ? [`${prefix}: `, type] : type, String(id.value ?? ""), id.value ? `${p}[${i}].value` : undefined]);
      });
    } else if (key === "answers" && Array.isArray(value)) {
      out.push([name, dashAnswers(value, String(obj.questionSetVersion ?? ""), p), undefined]);
    } else if (isDate(value)) {
      out.push([name, partialDate({ year: value.year, month: value.month ?? 0, day: value.day ?? 0 } as never), p]);
    } else if (Array.isArray(value) && value.some((x) => typeof x === "object" && x !== null)) {
      value.forEach((item, i) => {
        out.push(...rows(item as JsonObject, `${p}[${i}]`, `${name} ${i + 1}`));
      });
    } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      out.push(...rows(value, p, name));
    } else {
      out.push([name, scalar(key, value as JsonValue), p]);
    }
  }
  return out;
}

export function summary(rowsIn: Row[]): HTMLElement {
  return h("dl.govuk-summary-list",
    rowsIn.map(([key, value, field]) => h("div.govuk-summary-list__row",
      h("dt.govuk-summary-list__key", key),
      h("dd.govuk-summary-list__value", { "data-field": field ?? null }, value))));
}
