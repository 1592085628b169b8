// A person's identifiers on a form (Person.identifiers; the person search):
// one optional input for each type, an NHS number and a PNC id. The API
// takes them as a list, and the server names a bad one by its place in the
// list sent ("referral.subjects[0].identifiers[1].value"), so reading the
// form also names each input's group by the place its value was sent at:
// the server's message then stands beside the input it is about.
import { create } from "@bufbuild/protobuf";

import { type PersonIdentifier, PersonIdentifierSchema,
         PersonIdentifierType } from "../gen/safeguard/v1/referral_pb";
import { identifierWords } from "./format";
import * as read from "./read";
import { textInput } from "./ui";

// Each type, the part of its input's name after "identifiers.", and its hint.
const TYPES: [PersonIdentifierType, string, string][] = [
  [PersonIdentifierType.NHS_NUMBER, "nhs_number", "10 digits, for example 943 476 5919"],
  [PersonIdentifierType.PNC_ID, "pnc_id", "Police National Computer id, for example 98/123456X"],
];

// "<path>.identifiers", or "identifiers" at the top of a request.
const listPath = (path: string) => (path ? `${path}.identifiers` : "identifiers");

// The inputs, filled from `current`; `who` starts each label ("The victim:
// NHS number (optional)"), and `optional` says so.
export function identifierInputs(path: string, who: string, current: PersonIdentifier[] = [],
                                 optional = true): HTMLElement[] {
  return TYPES.map(([type, name, hint]) => {
    const label = `${who ? `${who}: ` : ""}${identifierWords(type)}${optional ? " (optional)" : ""}`;
    return textInput(`${listPath(path)}.${name}`, label, {
      hint, width: "10", value: current.find((i) => i.type === type)?.value ?? "" });
  });
}

// The identifiers typed: those of `base` (what was read) in their order,
// each with its new value or left out when emptied, then new ones. An input
// that is disabled (a Duty to Notify's) sends nothing.
export function readIdentifiers(form: HTMLFormElement, path: string,
                                base: PersonIdentifier[] = []): PersonIdentifier[] {
  const list = listPath(path);
  const typed = new Map(TYPES.map(([type, name]) => [type, read.text(form, `${list}.${name}`)]));
  const order = [...base.map((i) => i.type).filter((t) => typed.has(t)),
                 ...TYPES.map(([t]) => t).filter((t) => !base.some((i) => i.type === t))];
  const out: PersonIdentifier[] = [];
  for (const type of order) {
    const value = typed.get(type) ?? "";
    const name = TYPES.find(([t]) => t === type)![1];
    const group = form.querySelector<HTMLElement>(`[name="${CSS.escape(`${list}.${name}`)}"]`)
        ?.closest<HTMLElement>("[data-field-group]");
    if (value) {
      group?.setAttribute("data-field-group", `${list}[${out.length}]`);
      out.push(create(PersonIdentifierSchema, { type, value }));
    } else {
      group?.setAttribute("data-field-group", `${list}.${name}`);
    }
  }
  return out;
}
