// The form for one workflow action: what the action needs (from the
// server's ActionOption: a reason, an SCA decision, a VAF scoring, a
// meeting date, an appointment, measures installed, consent given, refused
// or withdrawn, a reference) read into a TransitionReferral request.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";

import {
  ActionDetails, type ActionOption, CapacityAssessment, ConsentGiver, ConsentStatus, ExternalSystem,
  LegalBasis, ScaOutcome, SecurityMeasure,
} from "../gen/safeguard/v1/referral_pb";
import type { Meeting } from "../gen/safeguard/v1/meetings_pb";
import {
  type TransitionReferralRequest, TransitionReferralRequestSchema,
} from "../gen/safeguard/v1/referrals_pb";
import { type Child, h } from "./dom";
import { when, words } from "./format";
import * as read from "./read";
import { session } from "./session";
import { button, choices, dateInput, select, showProblem, textArea, textInput } from "./ui";

type Send = (request: TransitionReferralRequest) => Promise<void>;

const VAF_SCORES: [string, string][] = [["0", "0: not present"], ["1", "1"], ["2", "2"], ["3", "3: strongly present"]];

function vafFields(): Child[] {
  const framework = session().info.vafFrameworks[0];
  const sizes = framework ? [framework.engagementFactors, framework.intentFactors, framework.capabilityFactors]
                          : [13, 6, 3];
  const sections = ["Engagement", "Intent", "Capability"];
  let n = 0;
  return sizes.map((size, s) => h("fieldset.govuk-fieldset",
    h("legend.govuk-fieldset__legend.govuk-fieldset__legend--s", `${sections[s]} factors`),
    Array.from({ length: size }, () => {
      const i = n++;
      const name = framework?.factorNames[i] || `${sections[s]} factor ${i + 1}`;
      return select(`vaf_assessment.factor_scores[${i}]`, `${i + 1}. ${name}`, VAF_SCORES, { value: "0" });
    })));
}

// A meeting to list the case to: one of the scheduled meetings given, or,
// where there is none, a date.
function meetingFields(upcoming: Meeting[]): Child[] {
  if (upcoming.length === 0) {
    return [dateInput("meeting.meeting_date", "Meeting date", "For example, 27 3 2026")];
  }
  return [select("meeting.name", "Meeting", upcoming.map((m): [string, string] =>
    [m.name, `${when(m.startTime)}, ${m.venue}${m.chair ? ` (chair: ${m.chair})` : ""}`]),
    { hint: "The scheduled meetings of the referral's area. The case joins the meeting's agenda and takes its date." })];
}

// Whether the person's capacity to consent was assessed, and its outcome
// (`path`: "consent.capacity" or "referral.consent.capacity").
export function capacityField(path: string): HTMLElement {
  return choices("radios", path, "Capacity to consent",
                 [[String(CapacityAssessment.CAPACITY_ASSESSMENT_UNSPECIFIED), "Not assessed"],
                  ...read.enumOptions(CapacityAssessment)],
                 { hint: "If the person's capacity to consent was assessed. Someone assessed as lacking capacity cannot give consent themselves." });
}

function detailFields(details: ActionDetails, upcoming: Meeting[]): Child[] {
  switch (details) {
    case ActionDetails.SCA_DECISION:
      return [choices("radios", "sca_decision.outcome", "Decision",
                      read.enumOptions(ScaOutcome), { inline: true }),
              dateInput("sca_decision.decision_date", "Date of the decision", "For example, 27 3 2026")];
    case ActionDetails.VAF_ASSESSMENT:
      return vafFields();
    case ActionDetails.MEETING:
      return meetingFields(upcoming);
    case ActionDetails.APPOINTMENT:
      return [dateInput("appointment.appointment_time", "Appointment date", "For example, 27 3 2026"),
              textInput("appointment.appointment_time.time", "Time", { hint: "24-hour clock, for example 14:30", width: "5" })];
    case ActionDetails.INSTALLATION:
      return [choices("checkboxes", "installation.measures_installed", "Measures installed",
                      read.enumOptions(SecurityMeasure))];
    case ActionDetails.RECOVERY:
      return [choices("checkboxes", "recovery.measures_recovered", "Measures taken back",
                      read.enumOptions(SecurityMeasure), { hint: "Only measures that were installed." })];
    case ActionDetails.CONSENT_GIVEN:
    case ActionDetails.CONSENT_REFUSED:
      return [choices("radios", "consent.given_by", details === ActionDetails.CONSENT_GIVEN ? "Given by" : "Refused by",
                      read.enumOptions(ConsentGiver)),
              capacityField("consent.capacity"),
              select("consent.legal_basis", "Legal basis", [["0", "Choose"], ...read.enumOptions(LegalBasis)]),
              textArea("consent.reason", "Notes on consent (optional)")];
    case ActionDetails.CONSENT_WITHDRAWN:
      return [choices("radios", "consent.given_by", "Withdrawn by", read.enumOptions(ConsentGiver)),
              textArea("consent.reason", "Why consent was withdrawn",
                       { hint: "Kept in the referral's consent record and its history." })];
    case ActionDetails.EXTERNAL_REFERENCE:
      return [select("external_reference.system", "System", [["0", "Choose"], ...read.enumOptions(ExternalSystem)]),
              textInput("external_reference.value", "Reference", { width: "20" })];
    default:
      return [];
  }
}

function readDetails(form: HTMLFormElement, option: ActionOption, bad: read.Violations):
    TransitionReferralRequest["details"] {
  switch (option.details) {
    case ActionDetails.SCA_DECISION:
      return { case: "scaDecision", value: {
        outcome: Number(read.text(form, "sca_decision.outcome")) as ScaOutcome,
        decisionDate: read.date(form, "sca_decision.decision_date", bad) } as never };
    case ActionDetails.VAF_ASSESSMENT: {
      const framework = session().info.vafFrameworks[0];
      const count = form.querySelectorAll("select[name^='vaf_assessment.factor_scores']").length;
      return { case: "vafAssessment", value: {
        frameworkVersion: framework?.version ?? "vaf-2015",
        factorScores: Array.from({ length: count },
                                 (_, i) => Number(read.text(form, `vaf_assessment.factor_scores[${i}]`))),
      } as never };
    }
    case ActionDetails.MEETING:
      if (form.querySelector("[name='meeting.name']")) {
        return { case: "meeting", value: { name: read.text(form, "meeting.name") } as never };
      }
      return { case: "meeting", value: { meetingDate: read.date(form, "meeting.meeting_date", bad) } as never };
    case ActionDetails.APPOINTMENT: {
      const at = read.dateTime(form, "appointment.appointment_time", bad);
      return { case: "appointment", value: { appointmentTime: at ? timestampFromDate(at) : undefined } as never };
    }
    case ActionDetails.INSTALLATION:
      return { case: "installation", value: {
        measuresInstalled: read.all(form, "installation.measures_installed").map(Number) as SecurityMeasure[] } as never };
    case ActionDetails.RECOVERY:
      return { case: "recovery", value: {
        measuresRecovered: read.all(form, "recovery.measures_recovered").map(Number) as SecurityMeasure[] } as never };
    case ActionDetails.CONSENT_GIVEN:
    case ActionDetails.CONSENT_REFUSED:
      return { case: "consent", value: {
        status: option.details === ActionDetails.CONSENT_GIVEN ? ConsentStatus.GIVEN : ConsentStatus.REFUSED,
        givenBy: Number(read.text(form, "consent.given_by")) as ConsentGiver,
        legalBasis: Number(read.text(form, "consent.legal_basis")) as LegalBasis,
        capacity: Number(read.text(form, "consent.capacity")) as CapacityAssessment,
        reason: read.text(form, "consent.reason") } as never };
    case ActionDetails.CONSENT_WITHDRAWN:
      return { case: "consent", value: {
        status: ConsentStatus.WITHDRAWN,
        givenBy: Number(read.text(form, "consent.given_by")) as ConsentGiver,
        reason: read.text(form, "consent.reason") } as never };
    case ActionDetails.EXTERNAL_REFERENCE:
      return { case: "externalReference", value: {
        system: Number(read.text(form, "external_reference.system")) as ExternalSystem,
        value: read.text(form, "external_reference.value") } as never };
    default:
      return { case: undefined };
  }
}

// `upcoming`: for an action whose details are a meeting, the scheduled
// meetings it may name.
export function actionForm(option: ActionOption, send: Send, upcoming: Meeting[] = []): HTMLFormElement {
  // Consent withdrawn asks why once: its reason is the action's too.
  const ownReason = option.details === ActionDetails.CONSENT_WITHDRAWN && !option.reasonRequired;
  const form = h("form", { novalidate: true, "data-action-form": option.action },
    h("h3.govuk-heading-s", { tabindex: "-1" }, words(option.action)),
    detailFields(option.details, upcoming),
    ownReason ? null : textArea("reason", option.reasonRequired ? "Why" : "Why (optional)",
             { hint: option.reasonRequired ? "Required for this action; kept in the referral's history." : undefined }),
    button(words(option.action), { id: "take-action" })) as HTMLFormElement;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const bad: read.Violations = [];
    const details = readDetails(form, option, bad);
    if (bad.length) {
      showProblem(form, { code: 3, message: "Some answers need correcting.", fields: bad });
      return;
    }
    const request = create(TransitionReferralRequestSchema, {
      action: option.action, reason: read.text(form, ownReason ? "consent.reason" : "reason"),
      details: details as never });
    const submit = form.querySelector<HTMLButtonElement>("#take-action")!;
    submit.disabled = true;
    try {
      await send(request);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
