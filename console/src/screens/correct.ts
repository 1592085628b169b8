// Correcting a referral (UpdateReferral): the fields its kind lets change
// after submission that the caller's view shows, prefilled from the
// referral as read. Only the fields whose answers were changed are sent,
// named in the update mask, with the version read; the server checks them
// by the kind's rules and keeps each change, before and after, in the
// referral's history. What is typed stays in the page.
import { create, type MessageInitShape, toJsonString } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";

import {
  type Address, AddressSchema, type Date as PartialDate, DateSchema, ExploitationType, ExternalSystem,
  NrmNature, type Person, PersonSchema, Priority, type Referral, ReferralSchema, SecurityMeasure, Tenure,
} from "../../gen/safeguard/v1/referral_pb";
import { problemFrom, referrals } from "../api";
import { type Child, h, replaceChildren } from "../dom";
import { kindWords } from "../format";
import { equalityFields, readVictim } from "../equality";
import { identifierInputs, readIdentifiers } from "../identifiers";
import * as read from "../read";
import { button, choices, dateInput, select, showProblem, textArea, textInput, tick } from "../ui";
import { openChanged } from "./referral";
import { referralId } from "./worklist";

type Init = MessageInitShape<typeof ReferralSchema>;
type Get = (form: HTMLFormElement, path: string, bad: read.Violations) => unknown;
// An item's answers as typed, by input name after the item's path
// ("full_name", "date_of_birth.day").
type Raw = Record<string, string>;

// One correctable field: its update-mask path, and its value read from the
// form as a referral holding that field alone.
interface Part {
  path: string;
  read: (form: HTMLFormElement, bad: read.Violations) => Init;
}

// A field of the kind's form: its name there, its inputs (named
// "referral.<form>.<field>"), and how its value is read.
interface Entry {
  field: string;
  draw: (path: string) => Child;
  get: Get;
}

// The update-mask paths that name a person, whom the server matches with
// the people other referrals name.
const PEOPLE = /^(subjects|marac\.perpetrator|marac\.children)(\.|\[|$)/;

const DOB_HINT = "For example, 27 3 1990. A year alone, or a month and year, will do.";
const LINES_HINT = "One per line.";

const numbers: Get = (form, path) => read.all(form, path).map(Number);
const number: Get = (form, path) => Number(read.text(form, path));
const text: Get = (form, path) => read.text(form, path);
const lines: Get = (form, path) => read.lines(form, path);
const flag: Get = (form, path) => read.flag(form, path);

export async function showCorrect(main: HTMLElement, [id]: string[], signal: AbortSignal): Promise<void> {
  drawCorrect(main, await referrals.getReferral({ name: `referrals/${id}` }, { signal }), signal);
}

// ---- Values as typed, and read back ---------------------------------------

function dateRaw(name: string, d: PartialDate | undefined): Raw {
  return { [`${name}.day`]: d?.day ? String(d.day) : "", [`${name}.month`]: d?.month ? String(d.month) : "",
           [`${name}.year`]: d?.year ? String(d.year) : "" };
}

function dateOf(raw: Raw, name: string) {
  return { day: raw[`${name}.day`], month: raw[`${name}.month`], year: raw[`${name}.year`] };
}

function readDate(form: HTMLFormElement, path: string, bad: read.Violations): PartialDate | undefined {
  const d = read.date(form, path, bad);
  return d ? create(DateSchema, d) : undefined;
}

function readAddress(form: HTMLFormElement, path: string): Address | undefined {
  const a = create(AddressSchema, { lines: read.lines(form, `${path}.lines`), town: read.text(form, `${path}.town`),
                                    postcode: read.text(form, `${path}.postcode`) });
  return a.lines.length || a.town || a.postcode ? a : undefined;
}

function addressFields(path: string, [lines, town, postcode]: string[], a: Address | undefined): Child[] {
  return [
    textArea(`${path}.lines`, lines, { hint: "One line of the address per line.", value: a?.lines.join("\n") }),
    textInput(`${path}.town`, town, { width: "20", value: a?.town }),
    textInput(`${path}.postcode`, postcode, { width: "10", value: a?.postcode }),
  ];
}

// A person's name, other names, date of birth, identifiers (NHS number,
// PNC id) and address; what else the referral holds about them is sent
// back as read.
function personFields(path: string, who: string, p: Person | undefined): Child[] {
  return [
    textInput(`${path}.full_name`, `${who}: full name`, { value: p?.fullName }),
    textArea(`${path}.aliases`, `${who}: other names (optional)`, { hint: LINES_HINT, value: p?.aliases.join("\n") }),
    dateInput(`${path}.date_of_birth`, `${who}: date of birth`, DOB_HINT, p?.dateOfBirth),
    identifierInputs(path, who, p?.identifiers),
    addressFields(`${path}.address`, [`${who}: address`, `${who}: town`, `${who}: postcode`], p?.address),
  ];
}

function readPerson(form: HTMLFormElement, path: string, base: Person | undefined, bad: read.Violations): Person {
  return { ...(base ?? create(PersonSchema)), fullName: read.text(form, `${path}.full_name`),
           aliases: read.lines(form, `${path}.aliases`), dateOfBirth: readDate(form, `${path}.date_of_birth`, bad),
           identifiers: readIdentifiers(form, path, base?.identifiers),
           address: readAddress(form, `${path}.address`) };
}

// ---- Lists with items added and removed ------------------------------------

interface ListSpec {
  path: string;    // "referral.external_references"
  title: string;   // "External references"
  item: string;    // "External reference"
  none: string;    // "No external references."
  level: 2 | 3;    // of the list's heading (its items' are one lower)
  fields: (path: string, who: string, raw: Raw) => Child[];
}

// The items' inputs by index; items are numbered afresh when one is
// removed, as the server numbers the list it is sent.
function listEditor(spec: ListSpec, items: Raw[]): HTMLElement {
  const holder = h("div");
  const count = () => holder.querySelectorAll("[data-item]").length;
  const rawOf = (i: number): Raw => {
    const prefix = `${spec.path}[${i}].`;
    const raw: Raw = {};
    holder.querySelectorAll<HTMLInputElement>(`[name^="${prefix}"]`).forEach((el) => {
      raw[el.name.slice(prefix.length)] = el.value;
    });
    return raw;
  };
  const current = () => Array.from({ length: count() }, (_, i) => rawOf(i));
  const add = h("button.govuk-button.govuk-button--secondary", { type: "button", "data-module": "govuk-button",
    "data-add": spec.path, onclick: () => {
      draw([...current(), {}]);
      holder.querySelector<HTMLElement>(`[data-item="${count() - 1}"] input, [data-item="${count() - 1}"] select`)?.focus();
    } }, `Add ${spec.item.toLowerCase()}`);
  const draw = (list: Raw[]) => replaceChildren(holder, list.length === 0 ? h("p.govuk-body", spec.none)
    : list.map((raw, i) => {
      const who = `${spec.item} ${i + 1}`;
      return h("div", { "data-item": String(i) },
        h(spec.level === 2 ? "h3.govuk-heading-s" : "h4.govuk-heading-s", who),
        spec.fields(`${spec.path}[${i}]`, who, raw),
        h("button.govuk-button.govuk-button--secondary", { type: "button", "data-module": "govuk-button",
          onclick: () => {
            const left = current();
            left.splice(i, 1);
            draw(left);
            add.focus();
          } }, "Remove", h("span.govuk-visually-hidden", ` ${who.toLowerCase()}`)));
    }));
  draw(items);
  return h("div", h(spec.level === 2 ? "h2.govuk-heading-m" : "h3.govuk-heading-s", spec.title), holder, add);
}

function readList<T>(form: HTMLFormElement, path: string, item: (path: string) => T): T[] {
  const out: T[] = [];
  while (form.querySelector(`[name^="${path}[${out.length}]."]`)) out.push(item(`${path}[${out.length}]`));
  return out;
}

const REFERENCES: ListSpec = {
  path: "referral.external_references", title: "External references", item: "External reference",
  none: "No external references.", level: 2,
  fields: (path, who, raw) => [
    select(`${path}.system`, `${who}: system`, [["0", "Choose"], ...read.enumOptions(ExternalSystem)],
           { value: raw.system ?? "0" }),
    textInput(`${path}.value`, `${who}: reference`, { width: "20", value: raw.value }),
  ],
};

const CHILDREN: ListSpec = {
  path: "referral.marac.children", title: "Children in the household", item: "Child", none: "No children.",
  level: 3,
  fields: (path, who, raw) => [
    textInput(`${path}.full_name`, `${who}: name`, { value: raw.full_name }),
    dateInput(`${path}.date_of_birth`, `${who}: date of birth`, DOB_HINT, dateOf(raw, "date_of_birth")),
    textInput(`${path}.school`, `${who}: school`, { value: raw.school }),
  ],
};

// ---- Each kind's form ------------------------------------------------------

const FORMS: Record<string, { mask: string; title: string }> = {
  nrm: { mask: "nrm", title: "NRM details" },
  channel: { mask: "channel", title: "Channel details" },
  marac: { mask: "marac", title: "MARAC details" },
  targetHardening: { mask: "target_hardening", title: "Target hardening details" },
};

function formEntries(r: Referral): Entry[] {
  const { form } = r;
  const checked = (values: number[]) => ({ checked: values.map(String) });
  switch (form.case) {
    case "nrm": {
      const f = form.value;
      return [
        { field: "exploitation_types", get: numbers, draw: (p) => choices("checkboxes", p, "Types of exploitation",
            read.enumOptions(ExploitationType), checked(f.exploitationTypes)) },
        { field: "indicators", get: lines, draw: (p) => textArea(p, "Indicators", { hint: LINES_HINT, value: f.indicators.join("\n") }) },
        { field: "location", get: text, draw: (p) => textInput(p, "Where it happened", { value: f.location }) },
        { field: "period", get: text, draw: (p) => textInput(p, "When it happened", { value: f.period }) },
        { field: "narrative", get: text, draw: (p) => textArea(p, "What happened", { value: f.narrative }) },
        { field: "needs_accommodation", get: flag, draw: (p) => tick(p, "Accommodation", "The person needs accommodation", f.needsAccommodation) },
        { field: "needs_medical", get: flag, draw: (p) => tick(p, "Medical care", "The person needs medical care", f.needsMedical) },
        { field: "needs_interpreter", get: flag, draw: (p) => tick(p, "Interpreter", "The person needs an interpreter", f.needsInterpreter) },
        { field: "interpreter_language", get: text, draw: (p) => textInput(p, "Interpreter language", { value: f.interpreterLanguage }) },
        { field: "children_services_contact", get: text, draw: (p) => textInput(p, "Children's services contact (for a child)",
            { value: f.childrenServicesContact }) },
      ];
    }
    case "channel": {
      const f = form.value;
      return [
        { field: "concern", get: text, draw: (p) => textArea(p, "How the concern arose and what happened", { value: f.concern }) },
        { field: "indicators", get: lines, draw: (p) => textArea(p, "Indicators", { hint: LINES_HINT, value: f.indicators.join("\n") }) },
        { field: "ideology_or_group", get: text, draw: (p) => textInput(p, "Ideology or group, if known", { value: f.ideologyOrGroup }) },
        { field: "online_activity", get: text, draw: (p) => textArea(p, "Online activity", { value: f.onlineActivity }) },
        { field: "other_safeguarding_concerns", get: text, draw: (p) => textArea(p, "Other safeguarding concerns",
            { value: f.otherSafeguardingConcerns }) },
      ];
    }
    case "marac": {
      const f = form.value;
      return [
        { field: "perpetrator", get: (fm, p, bad) => readPerson(fm, p, f.perpetrator, bad),
          draw: (p) => [h("h3.govuk-heading-s", "The perpetrator"), personFields(p, "The perpetrator", f.perpetrator)] },
        { field: "relationship", get: text, draw: (p) => textInput(p, "Relationship of the perpetrator to the victim",
            { value: f.relationship }) },
        { field: "children", get: (fm, p, bad) => readList(fm, p, (c) => ({
            fullName: read.text(fm, `${c}.full_name`), dateOfBirth: readDate(fm, `${c}.date_of_birth`, bad),
            school: read.text(fm, `${c}.school`) })),
          draw: () => listEditor(CHILDREN, f.children.map((c) => ({
            full_name: c.fullName, school: c.school, ...dateRaw("date_of_birth", c.dateOfBirth) }))) },
        { field: "idva_referral", get: flag, draw: (p) => tick(p, "IDVA", "Also refer the victim to an IDVA", f.idvaReferral) },
        { field: "victim", get: (fm, p) => readVictim(fm, p) ?? {}, draw: (p) => equalityFields(p, f.victim) },
      ];
    }
    case "targetHardening": {
      const f = form.value;
      return [
        { field: "address", get: (fm, p) => readAddress(fm, p),
          draw: (p) => addressFields(p, ["Address of the property", "Town", "Postcode"], f.address) },
        { field: "access_instructions", get: text, draw: (p) => textArea(p, "Access instructions", { value: f.accessInstructions }) },
        { field: "measures_requested", get: numbers, draw: (p) => choices("checkboxes", p, "Measures requested",
            read.enumOptions(SecurityMeasure), checked(f.measuresRequested)) },
        { field: "tenure", get: number, draw: (p) => choices("radios", p, "Tenure", read.enumOptions(Tenure),
            checked([f.tenure])) },
        { field: "landlord_permission", get: flag, draw: (p) => tick(p, "Landlord", "The landlord has given permission",
            f.landlordPermission) },
        { field: "fire_arson_risk", get: flag, draw: (p) => tick(p, "Fire", "There is a risk of arson", f.fireArsonRisk) },
      ];
    }
    default:
      return [];  // the caller's view does not show the form
  }
}

// ---- The screen --------------------------------------------------------------

// The parts' values as a referral, and each as JSON to compare.
function readParts(form: HTMLFormElement, parts: Part[], bad: read.Violations) {
  return parts.map((p) => {
    const init = p.read(form, bad);
    return { init, json: toJsonString(ReferralSchema, create(ReferralSchema, init)) };
  });
}

// One referral from parts that each hold one field (of the envelope, or of
// the kind's form).
function merge(inits: Init[]): Init {
  const out: Record<string, unknown> = {};
  let form: { case: string; value: Record<string, unknown> } | undefined;
  for (const init of inits) {
    const { form: f, ...rest } = init as { form?: { case: string; value: Record<string, unknown> } };
    Object.assign(out, rest);
    if (f?.case) form = { case: f.case, value: { ...form?.value, ...f.value } };
  }
  if (form) out.form = form;
  return out as Init;
}

function drawCorrect(main: HTMLElement, r: Referral, signal: AbortSignal): void {
  const id = referralId(r.name);
  const nrm = r.form.case === "nrm" ? r.form.value : undefined;
  // A Duty to Notify for an adult takes nothing that would identify them.
  const anonymous = nrm?.nature === NrmNature.DUTY_TO_NOTIFY && !nrm.subjectIsChild;
  const parts: Part[] = [{ path: "priority", read: (form) => ({ priority: Number(read.text(form, "referral.priority")) as Priority }) }];
  const fields: Child[] = [
    h("h2.govuk-heading-m", "About the referral"),
    select("referral.priority", "Risk", [["0", "Not set"], ...read.enumOptions(Priority)], { value: String(r.priority) }),
  ];
  if (anonymous) {
    fields.push(h("div.govuk-inset-text", "A Duty to Notify is anonymous: the person's name, other names, date of birth, address and contact details, and external references, are not recorded (Modern Slavery Act 2015, section 52(3))."));
  } else if (r.subjects.length) {
    // The people and the references only where the view shows the people:
    // the server replaces each list whole, so a list the view hides (the
    // page cannot tell it from an empty one) would be lost. A view without
    // the people (a referrer's of a Channel referral) hides both.
    fields.push(h("h2.govuk-heading-m", r.subjects.length === 1 ? "The person" : "The people"),
      r.subjects.map((s, i) => [h("h3.govuk-heading-s", `Person ${i + 1}`),
                                personFields(`referral.subjects[${i}]`, `Person ${i + 1}`, s)]));
    parts.push({ path: "subjects", read: (form, bad) => ({
      subjects: r.subjects.map((s, i) => readPerson(form, `referral.subjects[${i}]`, s, bad)) }) });
    fields.push(listEditor(REFERENCES, r.externalReferences.map((x) => ({ system: String(x.system), value: x.value }))));
    parts.push({ path: "external_references", read: (form) => ({
      externalReferences: readList(form, REFERENCES.path, (p) => ({
        system: Number(read.text(form, `${p}.system`)) as ExternalSystem, value: read.text(form, `${p}.value`) })) }) });
  }
  const kind = r.form.case ? FORMS[r.form.case] : undefined;
  const entries = formEntries(r);
  if (kind && entries.length) {
    fields.push(h("h2.govuk-heading-m", kind.title));
    for (const e of entries) {
      const input = `referral.${kind.mask}.${e.field}`;
      const key = e.field.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
      fields.push(e.draw(input));
      parts.push({ path: `${kind.mask}.${e.field}`, read: (form, bad) =>
        ({ form: { case: r.form.case, value: { [key]: e.get(form, input, bad) } } }) as never });
    }
  }

  const back = `#/referrals/${id}`;
  const form = <HTMLFormElement>h("form", { novalidate: true, "data-correct": r.name }, fields,
    h("div.govuk-button-group", button("Save corrections", { id: "save-corrections" }),
      h("a.govuk-link", { href: back }, "Cancel")));
  const initial = readParts(form, parts, []);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const bad: read.Violations = [];
    const now = readParts(form, parts, bad);
    if (bad.length) {
      showProblem(main, { code: Code.InvalidArgument, message: "Some answers need correcting.", fields: bad });
      return;
    }
    const changed = parts.map((p, i) => ({ path: p.path, init: now[i].init, same: now[i].json === initial[i].json }))
        .filter((c) => !c.same);
    if (changed.length === 0) {
      showProblem(main, { code: Code.InvalidArgument, fields: [],
                          message: "Nothing has been changed. Change the answers that are wrong, then save." });
      return;
    }
    const save = form.querySelector<HTMLButtonElement>("#save-corrections")!;
    save.disabled = true;
    try {
      const paths = changed.map((c) => c.path);
      const updated = await referrals.updateReferral({
        referral: { ...merge(changed.map((c) => c.init)), name: r.name, version: r.version },
        updateMask: { paths } }, { signal });
      const notice = updated.version === r.version
        ? "Nothing was corrected: the answers were as already recorded." : "Details corrected.";
      // Only GetReferral's answer says where else the people may be known.
      // With the people as they were, the list read with the form holds;
      // with a person corrected, the referral is read again for the list
      // the corrected people give (if that read fails, it is shown without).
      if (!paths.some((p) => PEOPLE.test(p))) {
        updated.alsoKnownTo = r.alsoKnownTo;
        openChanged(updated, notice);
      } else {
        const fresh = await referrals.getReferral({ name: r.name }, { signal }).catch(() => undefined);
        if (!signal.aborted) openChanged(fresh ?? updated, notice);
      }
    } catch (err) {
      if (signal.aborted) return;
      const problem = problemFrom(err);
      showProblem(main, problem);
      if (problem.code === Code.Aborted) {
        main.querySelector(".govuk-error-summary__body")?.append(
          h("button.govuk-button.govuk-button--secondary#reload-referral", { type: "button", onclick: async () => {
            try {
              drawCorrect(main, await referrals.getReferral({ name: r.name }, { signal }), signal);
              main.querySelector<HTMLElement>("h1")?.focus();
            } catch (e) {
              if (!signal.aborted) showProblem(main, problemFrom(e));
            }
          } }, "Reload the referral (your changes here are lost)"));
      }
    } finally {
      save.disabled = false;
    }
  });
  replaceChildren(main,
    h("span.govuk-caption-l", `${r.reference || "Referral"}: ${kindWords(r.kind)}`),
    h("h1.govuk-heading-l", { tabindex: "-1" }, "Correct details"),
    h("p.govuk-body", "Change what was recorded wrongly, then save. Only the answers you change are sent; the referral's history keeps each change, with what it was before."),
    form);
}
