// Submitting a referral: a form for each kind (NRM or an anonymous Duty to
// Notify, Channel, MARAC with the DASH checklist, target hardening). Each
// form keeps one request id until it succeeds, so a retry after a network
// failure can never submit twice.
import { create, type MessageInitShape } from "@bufbuild/protobuf";

import {
  type CapacityAssessment, ConsentGiver, ConsentStatus, ContactChannel, DashAnswer, ExploitationType, LegalBasis,
  NrmNature, Priority, ReferralKind, ReferralSchema, SecurityMeasure, Tenure,
} from "../../gen/safeguard/v1/referral_pb";
import { Code, ConnectError } from "@connectrpc/connect";

import { capacityField } from "../actions";
import { newRequestId, problemFrom, referrals } from "../api";
import { type Child, h, replaceChildren } from "../dom";
import { equalityFields, readVictim } from "../equality";
import { identifierInputs, readIdentifiers } from "../identifiers";
import * as read from "../read";
import { session } from "../session";
import {
  button, choices, dateInput, link, select, showProblem, textArea, textInput, tick,
} from "../ui";
import { referralId } from "./worklist";

const KINDS: [string, string, string][] = [
  ["nrm", "Modern slavery: NRM referral or Duty to Notify", "For a potential victim of modern slavery or trafficking. An adult who does not consent is reported anonymously (Duty to Notify)."],
  ["channel", "Channel (Prevent)", "For a person at risk of being drawn into terrorism."],
  ["marac", "MARAC", "For a victim of domestic abuse at high risk, with the DASH risk checklist."],
  ["target-hardening", "Target hardening", "Home security for a victim of domestic abuse, fitted within the scheme's hours."],
];

export async function showSubmit(main: HTMLElement, [kind]: string[], signal: AbortSignal): Promise<void> {
  if (!kind) {
    const form = h("form", { novalidate: true },
      choices("radios", "kind", "What kind of referral?", KINDS.map(([v, t]) => [v, t]),
              { legendClass: "govuk-fieldset__legend--m" }),
      button("Continue", { id: "choose-kind" }));
    KINDS.forEach(([, , hint], i) => {
      form.querySelectorAll(".govuk-radios__item")[i].append(
          h("div.govuk-hint.govuk-radios__hint", hint));
    });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const chosen = read.text(form as HTMLFormElement, "kind");
      if (!chosen) {
        showProblem(form, { code: 3, message: "Choose what kind of referral to make.",
                            fields: [{ field: "kind", description: "choose one" }] });
        return;
      }
      location.hash = `#/submit/${chosen}`;
    });
    replaceChildren(main, h("h1.govuk-heading-l", "Submit a referral"), form);
    return;
  }
  const spec = FORMS[kind];
  if (!spec) throw new ConnectError("no such form", Code.NotFound);
  drawForm(main, kind, spec, signal);
}

interface FormSpec {
  title: string;
  kind: ReferralKind;
  fields: (form: () => HTMLFormElement) => Child[];
  read: (form: HTMLFormElement, bad: read.Violations) => MessageInitShape<typeof ReferralSchema>;
}

function drawForm(main: HTMLElement, key: string, spec: FormSpec, signal: AbortSignal): void {
  const requestId = newRequestId();
  const { info } = session();
  let formEl: HTMLFormElement;
  const form = h("form", { novalidate: true, "data-request-id": requestId },
    h("h2.govuk-heading-m", "About the referral"),
    select("referral.area", "Area", [["", "Choose an area"], ...info.areas.map((a): [string, string] => [a, a])]),
    select("referral.priority", "Risk", [["0", "Choose"], ...read.enumOptions(Priority)]),
    spec.fields(() => formEl),
    button("Submit referral", { id: "submit-referral" })) as HTMLFormElement;
  formEl = form;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const bad: read.Violations = [];
    const body = spec.read(form, bad);
    if (bad.length) {
      showProblem(main, { code: 3, message: "Some answers need correcting.", fields: bad });
      return;
    }
    const referral = create(ReferralSchema, {
      ...(body as object), kind: spec.kind,
      area: read.text(form, "referral.area"),
      priority: Number(read.text(form, "referral.priority")) as Priority,
    });
    const submitButton = form.querySelector<HTMLButtonElement>("#submit-referral")!;
    submitButton.disabled = true;
    try {
      const created = await referrals.submitReferral({ requestId, referral }, { signal });
      replaceChildren(main,
        h("div.govuk-panel.govuk-panel--confirmation",
          h("h1.govuk-panel__title", "Referral submitted"),
          h("div.govuk-panel__body", "Your reference is", h("br"), h("strong#reference", created.reference))),
        h("p.govuk-body", "The referral is ", h("strong", created.state.replace(/_/g, " ").toLowerCase()), "."),
        h("ul.govuk-list",
          h("li", link(`#/referrals/${referralId(created.name)}`, "See the referral")),
          // A new address (the router ignores "?..."), so a fresh form opens.
          h("li", link(`#/submit/${key}?new=${Date.now()}`, "Submit another referral of this kind",
                       { id: "submit-another" })),
          h("li", link("#/worklist", "Your referrals"))));
      main.querySelector("h1")?.setAttribute("tabindex", "-1");
      main.querySelector<HTMLElement>("h1")?.focus();
    } catch (err) {
      showProblem(main, problemFrom(err));
    } finally {
      submitButton.disabled = false;
    }
  });
  replaceChildren(main,
    h("span.govuk-caption-l", "Submit a referral"),
    h("h1.govuk-heading-l", spec.title),
    h("p.govuk-body", "If the form fails to send (for example, the connection drops), send it again: the server recognises a repeat and never makes two referrals."),
    form);
}

// ---- people ------------------------------------------------------------

const CHANNELS = read.enumOptions(ContactChannel);

function personFields(path: string, who: string, o: { safeContact?: boolean; address?: boolean } = {}): Child[] {
  return [
    textInput(`${path}.full_name`, `${who}: full name`, { autocomplete: "off" }),
    textArea(`${path}.aliases`, `${who}: other names (optional)`, { hint: "One per line." }),
    dateInput(`${path}.date_of_birth`, `${who}: date of birth`,
              "For example, 27 3 1990. A year alone, or a month and year, will do."),
    textInput(`${path}.approximate_age`, `${who}: approximate age, if the date of birth is not known`,
              { width: "3" }),
    identifierInputs(path, who),
    textInput(`${path}.gender`, `${who}: gender (optional)`, { width: "10" }),
    textInput(`${path}.nationality`, `${who}: nationality (optional)`, { width: "20" }),
    o.address === false ? null : [
      textArea(`${path}.address.lines`, `${who}: address`, { hint: "One line of the address per line." }),
      textInput(`${path}.address.town`, `${who}: town`, { width: "20" }),
      textInput(`${path}.address.postcode`, `${who}: postcode`, { width: "10" })],
    o.safeContact ? [
      choices("checkboxes", `${path}.safe_contact.channels`, "Safe ways to make contact", CHANNELS, { small: true }),
      textInput(`${path}.safe_contact.phone`, "Safe phone number", { type: "tel", width: "20" }),
      textInput(`${path}.safe_contact.email`, "Safe email address", { type: "email" }),
      textInput(`${path}.safe_contact.times`, "Safe times to make contact", { hint: "For example, weekdays 10:00 to 12:00" }),
      choices("checkboxes", `${path}.safe_contact.never_at_address`, "Home address",
              [["true", "Never make contact at the home address"]], { small: true }),
      textArea(`${path}.safe_contact.instructions`, "Other instructions for safe contact (optional)")] : null,
  ];
}

function readPerson(form: HTMLFormElement, path: string, bad: read.Violations) {
  const has = (p: string) => form.querySelector(`[name="${p}"]:not(:disabled)`) !== null;
  return {
    fullName: read.text(form, `${path}.full_name`),
    aliases: read.lines(form, `${path}.aliases`),
    dateOfBirth: read.date(form, `${path}.date_of_birth`, bad),
    approximateAge: read.number(form, `${path}.approximate_age`, bad),
    identifiers: readIdentifiers(form, path),
    gender: read.text(form, `${path}.gender`),
    nationality: read.text(form, `${path}.nationality`),
    address: has(`${path}.address.lines`) ? { lines: read.lines(form, `${path}.address.lines`),
      town: read.text(form, `${path}.address.town`), postcode: read.text(form, `${path}.address.postcode`) }
      : undefined,
    safeContact: has(`${path}.safe_contact.phone`) ? {
      channels: read.all(form, `${path}.safe_contact.channels`).map(Number) as ContactChannel[],
      phone: read.text(form, `${path}.safe_contact.phone`),
      email: read.text(form, `${path}.safe_contact.email`),
      times: read.text(form, `${path}.safe_contact.times`),
      neverAtAddress: read.text(form, `${path}.safe_contact.never_at_address`) === "true",
      instructions: read.text(form, `${path}.safe_contact.instructions`),
    } : undefined,
  };
}

function consentFields(): Child[] {
  return [
    h("h2.govuk-heading-m", "Consent"),
    // Consent is withdrawn later, from a referral's page; never at submission.
    choices("radios", "referral.consent.status", "Consent to this referral",
            read.enumOptions(ConsentStatus).filter(([v]) => v !== String(ConsentStatus.WITHDRAWN))),
    choices("radios", "referral.consent.given_by", "Given or refused by", read.enumOptions(ConsentGiver),
            { inline: true }),
    capacityField("referral.consent.capacity"),
    select("referral.consent.legal_basis", "Legal basis for sharing",
           [["0", "Choose"], ...read.enumOptions(LegalBasis)]),
    textArea("referral.consent.reason", "Why consent was refused, not required or overridden"),
  ];
}

function readConsent(form: HTMLFormElement) {
  return {
    status: Number(read.text(form, "referral.consent.status")) as ConsentStatus,
    givenBy: Number(read.text(form, "referral.consent.given_by")) as ConsentGiver,
    legalBasis: Number(read.text(form, "referral.consent.legal_basis")) as LegalBasis,
    capacity: Number(read.text(form, "referral.consent.capacity")) as CapacityAssessment,
    reason: read.text(form, "referral.consent.reason"),
  };
}

// ---- NRM and Duty to Notify ---------------------------------------------

// Turns the subject's identifying fields off (disabled, emptied, hidden)
// while the form is an anonymous Duty to Notify for an adult.
function applyAnonymity(form: HTMLFormElement): void {
  const dtn = read.text(form, "referral.nrm.nature") === String(NrmNature.DUTY_TO_NOTIFY);
  const child = read.flag(form, "referral.nrm.subject_is_child");
  const anonymous = dtn && !child;
  const identifying = ["full_name", "aliases", "date_of_birth", "identifiers", "address", "safe_contact"];
  form.querySelectorAll<HTMLElement>("[data-field-group^='referral.subjects[0].']").forEach((g) => {
    const field = g.dataset.fieldGroup!.slice("referral.subjects[0].".length);
    if (!identifying.some((f) => field === f || field.startsWith(`${f}.`) || field.startsWith(`${f}[`))) return;
    g.hidden = anonymous;
    g.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("input, textarea").forEach((i) => {
      i.disabled = anonymous;
      if (anonymous) {
        if (i.type === "checkbox" || i.type === "radio") (i as HTMLInputElement).checked = false;
        else i.value = "";
      }
    });
  });
  form.querySelector<HTMLElement>("#dtn-note")!.hidden = !anonymous;
}

const NRM: FormSpec = {
  title: "Modern slavery: NRM referral or Duty to Notify",
  kind: ReferralKind.NRM,
  fields: (form) => {
    const nature = choices("radios", "referral.nrm.nature", "What are you making?", [
      [String(NrmNature.NRM_REFERRAL), "An NRM referral: the person consents, or is a child"],
      [String(NrmNature.DUTY_TO_NOTIFY), "A Duty to Notify: an adult who does not consent (anonymous)"]]);
    const child = tick("referral.nrm.subject_is_child", "Age", "The person is under 18");
    nature.addEventListener("change", () => applyAnonymity(form()));
    child.addEventListener("change", () => applyAnonymity(form()));
    return [
      nature, child,
      h("div.govuk-inset-text#dtn-note", { hidden: true },
        "A Duty to Notify is anonymous: the form does not take the person's name, other names, date of birth, NHS number, PNC id, address or contact details (Modern Slavery Act 2015, section 52(3))."),
      h("h2.govuk-heading-m", "The person"),
      personFields("referral.subjects[0]", "The person", { safeContact: true }),
      h("h2.govuk-heading-m", "The exploitation"),
      choices("checkboxes", "referral.nrm.exploitation_types", "Types of exploitation",
              read.enumOptions(ExploitationType)),
      textArea("referral.nrm.indicators", "Indicators", { hint: "One per line." }),
      textInput("referral.nrm.location", "Where it happened"),
      textInput("referral.nrm.period", "When it happened"),
      textArea("referral.nrm.narrative", "What happened"),
      choices("checkboxes", "referral.nrm.needs", "Immediate needs", [
        ["accommodation", "Accommodation"], ["medical", "Medical care"], ["interpreter", "An interpreter"]]),
      textInput("referral.nrm.interpreter_language", "Interpreter language"),
      textInput("referral.nrm.children_services_contact", "Children's services contact (for a child)"),
      consentFields(),
    ];
  },
  read: (form, bad) => {
    const needs = read.all(form, "referral.nrm.needs");
    return {
      subjects: [readPerson(form, "referral.subjects[0]", bad) as never],
      consent: readConsent(form) as never,
      form: { case: "nrm", value: {
        nature: Number(read.text(form, "referral.nrm.nature")) as NrmNature,
        subjectIsChild: read.flag(form, "referral.nrm.subject_is_child"),
        exploitationTypes: read.all(form, "referral.nrm.exploitation_types").map(Number) as ExploitationType[],
        indicators: read.lines(form, "referral.nrm.indicators"),
        location: read.text(form, "referral.nrm.location"),
        period: read.text(form, "referral.nrm.period"),
        narrative: read.text(form, "referral.nrm.narrative"),
        needsAccommodation: needs.includes("accommodation"),
        needsMedical: needs.includes("medical"),
        needsInterpreter: needs.includes("interpreter"),
        interpreterLanguage: read.text(form, "referral.nrm.interpreter_language"),
        childrenServicesContact: read.text(form, "referral.nrm.children_services_contact"),
      } } as never,
    };
  },
};

// ---- Channel ------------------------------------------------------------

const CHANNEL: FormSpec = {
  title: "Channel (Prevent)",
  kind: ReferralKind.CHANNEL,
  fields: () => [
    h("h2.govuk-heading-m", "The person"),
    personFields("referral.subjects[0]", "The person"),
    tick("referral.channel.subject_is_minor", "Age", "The person is under 18"),
    h("h2.govuk-heading-m", "The concern"),
    textArea("referral.channel.concern", "How the concern arose and what happened"),
    textArea("referral.channel.indicators", "Indicators", { hint: "One per line." }),
    textInput("referral.channel.ideology_or_group", "Ideology or group, if known"),
    textArea("referral.channel.online_activity", "Online activity"),
    textArea("referral.channel.other_safeguarding_concerns", "Other safeguarding concerns"),
    consentFields(),
  ],
  read: (form, bad) => ({
    subjects: [readPerson(form, "referral.subjects[0]", bad) as never],
    consent: readConsent(form) as never,
    form: { case: "channel", value: {
      concern: read.text(form, "referral.channel.concern"),
      indicators: read.lines(form, "referral.channel.indicators"),
      ideologyOrGroup: read.text(form, "referral.channel.ideology_or_group"),
      onlineActivity: read.text(form, "referral.channel.online_activity"),
      otherSafeguardingConcerns: read.text(form, "referral.channel.other_safeguarding_concerns"),
      subjectIsMinor: read.flag(form, "referral.channel.subject_is_minor"),
    } } as never,
  }),
};

// ---- MARAC --------------------------------------------------------------

const DASH_OPTIONS: [string, string][] = [
  [String(DashAnswer.YES), "Yes"], [String(DashAnswer.NO), "No"], [String(DashAnswer.NOT_KNOWN), "Not known"]];
const CHILDREN = 4;

function dashSet() {
  const sets = session().info.dashQuestionSets;
  return sets[0];
}

// The running DASH score and the criterion it meets, as the referrer
// answers; the server decides the criteria for itself on submission.
function updateScore(form: HTMLFormElement): void {
  const set = dashSet();
  if (!set) return;
  let yes = 0;
  let answered = 0;
  set.questions.forEach((_, i) => {
    const v = read.text(form, `referral.marac.dash.answers[${i}]`);
    if (v) answered++;
    if (v === String(DashAnswer.YES)) yes++;
  });
  const incidents = Number(read.text(form, "referral.marac.dash.incidents_last_period")) || 0;
  const judgement = read.flag(form, "referral.marac.dash.professional_judgement");
  const met: string[] = [];
  if (yes >= set.highRiskThreshold) met.push(`visible high risk (${set.highRiskThreshold} or more yes answers)`);
  if (set.escalationThreshold > 0 && incidents >= set.escalationThreshold) met.push(`escalation (${set.escalationThreshold} or more incidents)`);
  if (judgement) met.push("professional judgement");
  if (read.text(form, "referral.marac.repeat_claim")) met.push("repeat (as you say)");
  form.querySelector("#dash-score")!.textContent =
      `DASH score: ${yes} of ${set.questions.length} (${answered} answered). ` +
      (met.length ? `Meets the MARAC criteria: ${met.join("; ")}.` : "Meets no MARAC criterion yet.");
}

const VICTIM = "referral.marac.victim";

const MARAC: FormSpec = {
  title: "MARAC referral",
  kind: ReferralKind.MARAC,
  fields: (form) => {
    const set = dashSet();
    const dash = h("div",
      h("h2.govuk-heading-m", "DASH risk checklist"),
      h("p.govuk-body", `Question set ${set?.version ?? "(none configured)"}. Answer every question yes, no or not known.`),
      h("div.app-dash-score", h("p.govuk-body#dash-score", { class: "govuk-!-margin-bottom-0", "aria-live": "polite" },
        `DASH score: 0 of ${set?.questions.length ?? 0} (0 answered). Meets no MARAC criterion yet.`)),
      (set?.questions ?? []).map((q, i) => choices("radios", `referral.marac.dash.answers[${i}]`,
          `${i + 1}. ${q}`, DASH_OPTIONS, { inline: true, small: true })),
      tick("referral.marac.dash.professional_judgement", "Professional judgement",
           "I judge the risk to be high whatever the score"),
      textArea("referral.marac.dash.professional_judgement_rationale", "Why (professional judgement)"),
      textInput("referral.marac.dash.incidents_last_period", "Incidents in the last 12 months", { width: "3" }),
      // A repeat safeguard finds in its own records it marks itself; this
      // is for one it cannot see.
      textArea("referral.marac.repeat_claim", "Is this a repeat that safeguard cannot know about? (optional)", {
        hint: "For example, the victim was heard at another area's MARAC in the last 12 months, or before " +
              "safeguard was used. Say where and when." }));
    dash.addEventListener("change", () => updateScore(form()));
    dash.addEventListener("input", () => updateScore(form()));
    return [
      h("h2.govuk-heading-m", "The victim"),
      personFields("referral.subjects[0]", "The victim", { safeContact: true }),
      equalityFields(VICTIM),
      h("h2.govuk-heading-m", "The perpetrator"),
      personFields("referral.marac.perpetrator", "The perpetrator", { address: true }),
      textInput("referral.marac.relationship", "Relationship of the perpetrator to the victim"),
      h("h2.govuk-heading-m", "Children in the household"),
      Array.from({ length: CHILDREN }, (_, i) => h("fieldset.govuk-fieldset",
        h("legend.govuk-fieldset__legend.govuk-fieldset__legend--s", `Child ${i + 1} (leave empty if none)`),
        textInput(`referral.marac.children[${i}].full_name`, `Child ${i + 1}: name`),
        dateInput(`referral.marac.children[${i}].date_of_birth`, `Child ${i + 1}: date of birth`),
        textInput(`referral.marac.children[${i}].school`, `Child ${i + 1}: school`))),
      tick("referral.marac.idva_referral", "IDVA", "Also refer the victim to an IDVA"),
      dash,
      consentFields(),
    ];
  },
  read: (form, bad) => {
    const set = dashSet();
    const children = Array.from({ length: CHILDREN }, (_, i) => ({
      fullName: read.text(form, `referral.marac.children[${i}].full_name`),
      dateOfBirth: read.date(form, `referral.marac.children[${i}].date_of_birth`, bad),
      school: read.text(form, `referral.marac.children[${i}].school`),
    })).filter((c) => c.fullName || c.dateOfBirth || c.school);
    return {
      subjects: [readPerson(form, "referral.subjects[0]", bad) as never],
      consent: readConsent(form) as never,
      form: { case: "marac", value: {
        perpetrator: readPerson(form, "referral.marac.perpetrator", bad),
        children,
        relationship: read.text(form, "referral.marac.relationship"),
        idvaReferral: read.flag(form, "referral.marac.idva_referral"),
        repeatClaim: read.text(form, "referral.marac.repeat_claim"),
        victim: readVictim(form, VICTIM),
        dash: {
          questionSetVersion: set?.version ?? "",
          answers: (set?.questions ?? []).map((_, i) =>
              Number(read.text(form, `referral.marac.dash.answers[${i}]`)) as DashAnswer),
          professionalJudgement: read.flag(form, "referral.marac.dash.professional_judgement"),
          professionalJudgementRationale: read.text(form, "referral.marac.dash.professional_judgement_rationale"),
          incidentsLastPeriod: read.number(form, "referral.marac.dash.incidents_last_period", bad),
        },
      } } as never,
    };
  },
};

// ---- Target hardening ---------------------------------------------------

const TARGET_HARDENING: FormSpec = {
  title: "Target hardening",
  kind: ReferralKind.TARGET_HARDENING,
  fields: () => [
    h("h2.govuk-heading-m", "The victim"),
    personFields("referral.subjects[0]", "The victim", { safeContact: true, address: false }),
    h("h2.govuk-heading-m", "The property"),
    textArea("referral.target_hardening.address.lines", "Address of the property", { hint: "One line per line." }),
    textInput("referral.target_hardening.address.town", "Town", { width: "20" }),
    textInput("referral.target_hardening.address.postcode", "Postcode", { width: "10" }),
    textArea("referral.target_hardening.access_instructions", "Access instructions"),
    choices("checkboxes", "referral.target_hardening.measures_requested", "Measures requested",
            read.enumOptions(SecurityMeasure)),
    choices("radios", "referral.target_hardening.tenure", "Tenure", read.enumOptions(Tenure)),
    tick("referral.target_hardening.landlord_permission", "Landlord", "The landlord has given permission"),
    tick("referral.target_hardening.fire_arson_risk", "Fire", "There is a risk of arson"),
    tick("referral.target_hardening.perpetrator_resident", "Perpetrator", "The perpetrator lives at the property"),
    select("referral.target_hardening.scheme", "Scheme",
           [["", "Choose"], ...session().info.schemes.map((s): [string, string] => [s, s])]),
    consentFields(),
  ],
  read: (form, bad) => ({
    subjects: [readPerson(form, "referral.subjects[0]", bad) as never],
    consent: readConsent(form) as never,
    form: { case: "targetHardening", value: {
      address: { lines: read.lines(form, "referral.target_hardening.address.lines"),
                 town: read.text(form, "referral.target_hardening.address.town"),
                 postcode: read.text(form, "referral.target_hardening.address.postcode") },
      accessInstructions: read.text(form, "referral.target_hardening.access_instructions"),
      measuresRequested: read.all(form, "referral.target_hardening.measures_requested").map(Number) as SecurityMeasure[],
      tenure: Number(read.text(form, "referral.target_hardening.tenure")) as Tenure,
      landlordPermission: read.flag(form, "referral.target_hardening.landlord_permission"),
      fireArsonRisk: read.flag(form, "referral.target_hardening.fire_arson_risk"),
      perpetratorResident: read.flag(form, "referral.target_hardening.perpetrator_resident"),
      scheme: read.text(form, "referral.target_hardening.scheme"),
    } } as never,
  }),
};

const FORMS: Record<string, FormSpec> = {
  nrm: NRM, channel: CHANNEL, marac: MARAC, "target-hardening": TARGET_HARDENING,
};

