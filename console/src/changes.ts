// A correction's changes in words (UpdateReferral): the field a change
// names by its API path ("subjects[0].date_of_birth" is "Date of birth
// (person 1)") and its values before and after, which the server gives in
// protobuf's JSON mapping ({"year":1988,"month":4,"day":12} is "12 April
// 1988"). The timeline and the audit log show them.
import { isEnumKey, label } from "./fields";
import { identifierWords, partialDate, valueWords } from "./format";

// Fields whose plain name says too little on its own.
const NAMES: Record<string, string> = {
  subjects: "The people", external_references: "External references",
  "external_references.value": "Reference", "marac.children": "Children",
  "target_hardening.address": "Address of the property",
  "subjects.identifiers": "NHS number and PNC id", "marac.perpetrator.identifiers": "NHS number and PNC id",
  "subjects.identifiers.value": "Identifier", "marac.perpetrator.identifiers.value": "Identifier",
};

// What one item of a list is, in words: "subjects[0]" is "person 1".
const ITEMS: Record<string, string> = {
  subjects: "person", children: "child", external_references: "external reference",
  identifiers: "identifier",
};

// The forms' own names, which a path starts with and a person need not read.
const FORMS = new Set(["nrm", "channel", "marac", "target_hardening"]);

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

export function changeLabel(path: string): string {
  const parts = path.split(".");
  const last = parts.pop() ?? "";
  const name = NAMES[path.replace(/\[\d+\]/g, "")] ?? label(camel(last));
  const about = parts.flatMap((p) => {
    const item = /^(\w+)\[(\d+)\]$/.exec(p);
    if (item) return [`${ITEMS[item[1]] ?? label(camel(item[1])).toLowerCase()} ${Number(item[2]) + 1}`];
    return FORMS.has(p) ? [] : [label(camel(p)).toLowerCase()];
  });
  return about.length ? `${name} (${about.join(", ")})` : name;
}

// `json` (a change's before or after) in words; "(none)" for an empty value.
export function changeValue(path: string, json: string): string {
  if (!json) return "(none)";
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return json;
  }
  const key = camel((path.split(".").pop() ?? "").replace(/\[\d+\]$/, ""));
  return inWords(key, value) || "(none)";
}

function inWords(key: string, v: unknown): string {
  if (v === null || v === undefined) return "";
  if (Array.isArray(v)) {
    const objects = v.some((x) => typeof x === "object" && x !== null);
    return v.map((x) => inWords(key, x)).filter(Boolean).join(objects ? "; " : ", ");
  }
  if (typeof v === "boolean") return v ? "Yes" : "No";
  if (typeof v === "string") return isEnumKey(key) ? valueWords(v) : v;
  if (typeof v !== "object") return String(v);
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length && keys.every((k) => k === "year" || k === "month" || k === "day")) {
    return partialDate({ year: Number(o.year ?? 0), month: Number(o.month ?? 0), day: Number(o.day ?? 0) } as never);
  }
  if ("system" in o) {
    return [inWords("system", o.system), inWords("value", o.value)].filter(Boolean).join(": ");
  }
  // A person's identifier: "NHS number: 9434765919".
  if ("type" in o && "value" in o && keys.length === 2) {
    return `${identifierWords(String(o.type))}: ${inWords("value", o.value)}`;
  }
  return keys.map((k) => inWords(k, o[k])).filter(Boolean).join(", ");
}
