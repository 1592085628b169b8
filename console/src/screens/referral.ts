// One referral: every field the caller's view holds, grouped as the form
// is; its history as a timeline and its notes; the workflow actions the
// caller may take from its state, each with a form for its details, sent
// with the version read; assignment; notes; links to other referrals (a
// MARAC case and a target-hardening job), asked for and confirmed by each
// side's coordinator; where else the people it names may be known (for
// the coordinators the server tells). Break-glass reads show the same page
// under a warning.
import type { JsonObject } from "@bufbuild/protobuf";
import { toJson } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";

import { timestampFromDate } from "@bufbuild/protobuf/wkt";

import { type Meeting, MeetingState } from "../../gen/safeguard/v1/meetings_pb";
import { ActionDetails, type KnownElsewhere, LinkStatus, LinkType, type Referral, ReferralKind,
         type ReferralLink, ReferralSchema } from "../../gen/safeguard/v1/referral_pb";
import { problemFrom, referrals } from "../api";
import { actionForm } from "../actions";
import { changeLabel, changeValue } from "../changes";
import { meetings } from "../meetings";
import { type Child, h, replaceChildren } from "../dom";
import { deadlineElement, kindInSentence, kindWords, linkStatusWords, linkTypeWords, matchReasonWords,
         personWords, priorityElement, when, whenIso, words } from "../format";
import { type Row, rows, summary } from "../fields";
import { mentionSentence, people, personId, personProblem } from "../people";
import * as read from "../read";
import { may, session } from "../session";
import { banner, button, clearProblems, link, showProblem, summaryList, textArea, textInput } from "../ui";
import { referralId } from "./worklist";

const FORM_TITLES: Record<string, string> = {
  nrm: "NRM", channel: "Channel", marac: "MARAC", targetHardening: "Target hardening",
};

// A referral another screen has just changed (the correction form), with
// the notice to show above it: drawn as the server returned it when its
// page opens next. Kept in memory only.
let arriving: { referral: Referral; notice: string } | undefined;

export function openChanged(referral: Referral, notice: string): void {
  arriving = { referral, notice };
  location.hash = `#/referrals/${referralId(referral.name)}`;
}

export async function showReferral(main: HTMLElement, [id]: string[], signal: AbortSignal): Promise<void> {
  const held = arriving;
  arriving = undefined;
  if (held?.referral.name === `referrals/${id}`) {
    drawReferral(main, held.referral, signal, banner(held.notice, "success"));
    return;
  }
  const referral = await referrals.getReferral({ name: `referrals/${id}` }, { signal });
  drawReferral(main, referral, signal);
}

// Draws `r`; `notice` goes above it (e.g. "Action taken"); `breakGlass`
// marks a break-glass read.
export function drawReferral(main: HTMLElement, r: Referral, signal: AbortSignal,
                             notice?: HTMLElement, breakGlass?: string): void {
  const json = toJson(ReferralSchema, r, { alwaysEmitImplicit: false }) as JsonObject;
  const { history, notes, availableActions, assignable, name, version, ...rest } = json;
  void availableActions; void assignable; void version;
  const formKey = Object.keys(FORM_TITLES).find((k) => k in rest);
  const form = formKey ? rest[formKey] as JsonObject : undefined;
  const { subjects, consent, externalReferences, links, alsoKnownTo, ...envelope } = rest;
  void links; void alsoKnownTo;
  if (formKey) delete envelope[formKey];

  const sections: Child[] = [];
  sections.push(h("h2.govuk-heading-m", "Referral"), summary(rows(envelope, "")));
  if (Array.isArray(subjects) && subjects.length) {
    sections.push(h("h2.govuk-heading-m", subjects.length === 1 ? "The person" : "The people"));
    subjects.forEach((s, i) => {
      sections.push(h("h3.govuk-heading-s", `Person ${i + 1}`),
                    summary(rows(s as JsonObject, `subjects[${i}]`)));
    });
  }
  if (form && formKey) {
    sections.push(h("h2.govuk-heading-m", `${FORM_TITLES[formKey]} details`),
                  summary(rows(form, formKey)));
  }
  if (consent) {
    sections.push(h("h2.govuk-heading-m", "Consent"), summary(consentRows(consent as JsonObject)));
  }
  if (Array.isArray(externalReferences) && externalReferences.length) {
    sections.push(h("h2.govuk-heading-m", "External references"),
                  summary(rows({ externalReferences }, "")));
  }
  sections.push(alsoKnownToSection(main, r, signal, breakGlass), linksSection(main, r, signal, breakGlass));

  const title = r.reference ? `${r.reference}: ${kindWords(r.kind)}` : `Referral: ${kindWords(r.kind)}`;
  const tags = h("p.govuk-body",
    r.state ? [h("strong.govuk-tag", words(r.state)), " "] : null,
    r.priority ? [priorityElement(r.priority), " "] : null,
    r.deadline ? deadlineElement(r.deadline, new Date()) : null);

  replaceChildren(main,
    breakGlass ? h("div.app-break-glass", { role: "alert" },
      h("h2.govuk-heading-m", "Break-glass access"),
      h("p.govuk-body", "You are reading this referral in full under break-glass. This read is marked in the audit log with your reason: ",
        h("q", breakGlass))) : null,
    notice ?? null,
    h("h1.govuk-heading-l", { tabindex: "-1" }, title),
    tags,
    !breakGlass && may("Referrals/UpdateReferral")
      ? h("p.govuk-body", h("a.govuk-button.govuk-button--secondary#correct-details", {
          href: `#/referrals/${referralId(r.name)}/correct`, role: "button", draggable: "false",
          "data-module": "govuk-button" }, "Correct details"))
      : null,
    h("div.govuk-grid-row",
      h("div.govuk-grid-column-two-thirds", sections),
      h("div.govuk-grid-column-one-third",
        actionsPanel(main, r, signal, breakGlass),
        assignPanel(main, r, signal, breakGlass))),
    historySection(history, notes),
    notesForm(main, r, signal, breakGlass));
}

// Who gave consent is who refused or withdrew it, where it was refused or
// withdrawn: the rows say so.
const CONSENT_LABELS: Record<string, Record<string, string>> = {
  REFUSED: { givenBy: "Refused by" },
  WITHDRAWN: { givenBy: "Withdrawn by", reason: "Why consent was withdrawn" },
};

function consentRows(consent: JsonObject) {
  const labels = CONSENT_LABELS[String(consent.status ?? "")] ?? {};
  return rows(consent, "consent").map(([key, value, path]): Row => {
    const field = path?.slice("consent.".length) ?? "";
    return [labels[field] ?? key, value, path];
  });
}

// Draws `updated`, a change's answer, in place of `before`. Only
// GetReferral's answer says where else the people may be known; a change
// made here leaves the people as they were, so the list the page was drawn
// with still holds.
function redraw(main: HTMLElement, before: Referral, updated: Referral, signal: AbortSignal,
                text: string): void {
  if (updated.alsoKnownTo.length === 0) updated.alsoKnownTo = before.alsoKnownTo;
  drawReferral(main, updated, signal, banner(text, "success"));
  main.querySelector<HTMLElement>(".govuk-notification-banner")?.focus();
}

// The message for a failed change; a stale version gets a reload button.
function changeFailed(main: HTMLElement, holder: HTMLElement, err: unknown, r: Referral,
                      signal: AbortSignal): void {
  const problem = problemFrom(err);
  showProblem(holder, problem);
  if (problem.code === Code.Aborted) {
    holder.querySelector(".govuk-error-summary__body")?.append(
      h("button.govuk-button.govuk-button--secondary#reload-referral", { type: "button",
        onclick: async () => {
          try {
            const fresh = await referrals.getReferral({ name: r.name }, { signal });
            drawReferral(main, fresh, signal);
            main.querySelector<HTMLElement>("h1")?.focus();
          } catch (e) {
            showProblem(holder, problemFrom(e));
          }
        } }, "Reload the referral"));
  }
}

function actionsPanel(main: HTMLElement, r: Referral, signal: AbortSignal,
                      breakGlass?: string): HTMLElement | null {
  if (breakGlass || !may("Referrals/TransitionReferral") || r.availableActions.length === 0) return null;
  const holder = h("div#action-form-holder");
  return h("section", { "aria-labelledby": "actions-title" },
    h("h2.govuk-heading-m#actions-title", "Actions"),
    h("div.govuk-button-group", r.availableActions.map((option) =>
      h("button.govuk-button.govuk-button--secondary", {
        type: "button", "data-action": option.action,
        "aria-controls": "action-form-holder",
        onclick: async () => {
          let upcoming: Meeting[] = [];
          if (option.details === ActionDetails.MEETING) {
            try {
              upcoming = await scheduledMeetings(r, signal);
            } catch (err) {
              if (!signal.aborted) { replaceChildren(holder); showProblem(holder, problemFrom(err)); }
              return;
            }
          }
          if (signal.aborted) return;
          const form = actionForm(option, async (request) => {
            try {
              const updated = await referrals.transitionReferral(
                  { ...request, name: r.name, version: r.version }, { signal });
              redraw(main, r, updated, signal, `${words(option.action)}: done. The referral is now ${words(updated.state).toLowerCase()}.`);
            } catch (err) {
              changeFailed(main, form, err, r, signal);
            }
          }, upcoming);
          replaceChildren(holder, form);
          form.querySelector<HTMLElement>("h3")?.focus();
        } }, words(option.action)))),
    holder);
}

// The meetings still to come of the referral's kind and area, that a case
// can be listed to; none if the caller may not list meetings.
async function scheduledMeetings(r: Referral, signal: AbortSignal): Promise<Meeting[]> {
  if (!may("Meetings/ListMeetings")) return [];
  const response = await meetings.listMeetings(
      { kind: r.kind, area: r.area, fromTime: timestampFromDate(new Date()), pageSize: 100 }, { signal });
  return response.meetings.filter((m) => m.state === MeetingState.MEETING_SCHEDULED);
}

function assignPanel(main: HTMLElement, r: Referral, signal: AbortSignal,
                     breakGlass?: string): HTMLElement | null {
  if (breakGlass || !may("Referrals/AssignReferral") || !r.assignable) return null;
  const form = <HTMLFormElement>h("form", { novalidate: true, "aria-labelledby": "assign-title" },
    h("h2.govuk-heading-m#assign-title", "Assignment"),
    h("p.govuk-body", r.assignee ? `Assigned to ${r.assignee}.` : "Not assigned."),
    textInput("assignee", "Assign to", { hint: "agency/person/name", value: r.assignee || session().me }),
    h("div.govuk-button-group",
      button("Assign", { id: "assign", name: "op", value: "assign" }),
      r.assignee ? button("Unassign", { id: "unassign", name: "op", value: "unassign" }, true) : null));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const op = ((e as SubmitEvent).submitter as HTMLButtonElement | null)?.value;
    const assignee = op === "unassign" ? "" : String(new FormData(form).get("assignee") ?? "").trim();
    try {
      const updated = await referrals.assignReferral({ name: r.name, assignee, version: r.version }, { signal });
      redraw(main, r, updated, signal, assignee ? `Assigned to ${assignee}.` : "Unassigned.");
    } catch (err) {
      changeFailed(main, form, err, r, signal);
    }
  });
  return form;
}

// Steps whose action name reads badly as a title.
const STEP_TITLES: Record<string, string> = { correct: "Details corrected" };

// A correction's changes: each field, and its value before and after.
function changesList(changes: unknown, step: string): HTMLElement | null {
  if (!Array.isArray(changes) || changes.length === 0) return null;
  return h("dl.govuk-summary-list.govuk-summary-list--no-border",
    (changes as JsonObject[]).map((c, i) => {
      const p = `${step}.changes[${i}]`;
      const path = String(c.path ?? "");
      const value = (which: "before" | "after") => h("span", { "data-field": c[which] ? `${p}.${which}` : null },
                                                     changeValue(path, String(c[which] ?? "")));
      return h("div.govuk-summary-list__row",
        h("dt.govuk-summary-list__key", { "data-field": path ? `${p}.path` : null }, changeLabel(path)),
        h("dd.govuk-summary-list__value", value("before"), h("span", { "aria-hidden": "true" }, " → "),
          h("span.govuk-visually-hidden", " changed to "), value("after")));
    }));
}

function historySection(history: unknown, notes: unknown): HTMLElement {
  type Entry = { time: string; node: HTMLElement };
  const entries: Entry[] = [];
  (Array.isArray(history) ? history as JsonObject[] : []).forEach((t, i) => {
    const p = `history[${i}]`;
    entries.push({ time: String(t.time ?? ""), node: h("div.moj-timeline__item",
      h("div.moj-timeline__header",
        h("h3.moj-timeline__title", { "data-field": `${p}.action` },
          STEP_TITLES[String(t.action)] ?? words(String(t.action ?? ""))),
        t.actor ? h("p.moj-timeline__byline", "by ", h("span", { "data-field": `${p}.actor` }, String(t.actor))) : null),
      t.time ? h("p.moj-timeline__date", h("time", { datetime: String(t.time), "data-field": `${p}.time` },
                                           whenIso(String(t.time)))) : null,
      h("div.moj-timeline__description",
        t.fromState || t.toState ? h("p.govuk-body",
          t.fromState ? ["From ", h("span", { "data-field": `${p}.fromState` }, words(String(t.fromState))), " to "] : "To ",
          h("span", { "data-field": `${p}.toState` }, words(String(t.toState ?? "")))) : null,
        t.reason ? h("p.govuk-body", "Why: ", h("span", { "data-field": `${p}.reason` }, String(t.reason))) : null,
        changesList(t.changes, p))) });
  });
  (Array.isArray(notes) ? notes as JsonObject[] : []).forEach((n, i) => {
    const p = `notes[${i}]`;
    entries.push({ time: String(n.createTime ?? ""), node: h("div.moj-timeline__item",
      h("div.moj-timeline__header",
        h("h3.moj-timeline__title", "Note"),
        n.author ? h("p.moj-timeline__byline", "by ", h("span", { "data-field": `${p}.author` }, String(n.author))) : null),
      n.createTime ? h("p.moj-timeline__date", h("time", { datetime: String(n.createTime), "data-field": `${p}.createTime` },
                                                 whenIso(String(n.createTime)))) : null,
      h("div.moj-timeline__description", h("p.govuk-body", { "data-field": `${p}.text` }, String(n.text ?? "")))) });
  });
  entries.sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
  return h("section", { "aria-labelledby": "history-title" },
    h("h2.govuk-heading-m#history-title", "History and notes"),
    entries.length ? h("div.moj-timeline", entries.map((e) => e.node))
                   : h("p.govuk-body", "Nothing to show."));
}

function notesForm(main: HTMLElement, r: Referral, signal: AbortSignal,
                   breakGlass?: string): HTMLElement | null {
  if (breakGlass || !may("Referrals/AddNote")) return null;
  const form = <HTMLFormElement>h("form", { novalidate: true, "aria-labelledby": "note-title" },
    h("h2.govuk-heading-m#note-title", "Add a note"),
    textArea("text", "Note", { hint: "Notes are kept in the referral's history and seen by those who may see its notes." }),
    button("Add note", { id: "add-note" }));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = String(new FormData(form).get("text") ?? "");
    try {
      const updated = await referrals.addNote({ name: r.name, text }, { signal });
      redraw(main, r, updated, signal, "Note added.");
    } catch (err) {
      changeFailed(main, form, err, r, signal);
    }
  });
  return form;
}

// Where else the people this referral names may be known (also_known_to,
// which only the coordinators whose view has it are sent, and only when
// there is something to say): for each, the person here, the other
// referral's kind, agency, date and state, as whom it names them, and how
// alike the two are and why, or that a coordinator confirmed they are the
// same person. The server never sends the other referral's id or what it
// holds. Each side's person record (safeguard.v1.People) is linked for the
// callers who may read person records; a coordinator who may decides a
// possible match here: "Same person" merges the other record into this
// person's (with this record's version, read first), "Not the same person"
// stops it being proposed; the referral is read again after either.
function alsoKnownToSection(main: HTMLElement, r: Referral, signal: AbortSignal,
                            breakGlass?: string): HTMLElement | null {
  if (r.alsoKnownTo.length === 0) return null;
  const mayOpen = !breakGlass && may("People/GetPerson");
  const mayMerge = mayOpen && may("People/MergePeople");
  const mayReject = !breakGlass && may("People/RejectMatch");
  const section = h("section#also-known-to", { "aria-labelledby": "also-known-to-title" });
  const decide = async (k: KnownElsewhere, same: boolean) => {
    clearProblems(section);
    try {
      if (same) {
        const record = await people.getPerson({ name: k.personRecord }, { signal });
        await people.mergePeople({ name: k.personRecord, version: record.version, other: k.otherPersonRecord },
                                 { signal });
      } else {
        await people.rejectMatch({ name: k.personRecord, other: k.otherPersonRecord }, { signal });
      }
      const fresh = await referrals.getReferral({ name: r.name }, { signal });
      drawReferral(main, fresh, signal, banner(same
        ? "Confirmed as the same person: their person records are merged."
        : "Recorded as not the same person: the match is no longer proposed.", "success"));
      main.querySelector<HTMLElement>(".govuk-notification-banner")?.focus();
    } catch (err) {
      if (signal.aborted) return;
      const problem = personProblem(err);
      showProblem(section, problem);
      if (problem.code === Code.Aborted) {
        section.querySelector(".govuk-error-summary__body")?.append(
          h("button.govuk-button.govuk-button--secondary#reload-referral", { type: "button",
            onclick: async () => {
              try {
                drawReferral(main, await referrals.getReferral({ name: r.name }, { signal }), signal);
                main.querySelector<HTMLElement>("h1")?.focus();
              } catch (e) {
                showProblem(section, problemFrom(e));
              }
            } }, "Reload the referral"));
      }
    }
  };
  const rowsOut = r.alsoKnownTo.map((k, i) => {
    const p = `alsoKnownTo[${i}]`;
    const field = (name: string, has: unknown) => (has ? `${p}.${name}` : null);
    const who = personWords(r.kind, k.person);
    const [, kind] = kindInSentence(k.kind);
    // What a button decides, read out after its words.
    const about = h("span.govuk-visually-hidden",
                    ` (${who.toLowerCase()} and the ${kind} referral${k.referringAgency ? ` from ${k.referringAgency}` : ""})`);
    const undecided = !k.confirmed && k.personRecord && k.otherPersonRecord;
    const buttons = [
      undecided && mayMerge ? h("button.govuk-button.govuk-button--secondary", {
        type: "button", "data-module": "govuk-button", "data-decide": "same",
        onclick: () => { void decide(k, true); } }, "Same person", about.cloneNode(true)) : null,
      undecided && mayReject ? h("button.govuk-button.govuk-button--secondary", {
        type: "button", "data-module": "govuk-button", "data-decide": "not-same",
        onclick: () => { void decide(k, false); } }, "Not the same person", about.cloneNode(true)) : null,
    ].filter((b) => b !== null);
    return h("tr.govuk-table__row", { "data-known": String(i) },
      h("th.govuk-table__header", { scope: "row", "data-field": field("person", k.person) },
        mayOpen && k.personRecord
          ? h("a.govuk-link", { href: `#/people/${personId(k.personRecord)}`, "data-field": field("personRecord", true) }, who)
          : who),
      h("td.govuk-table__cell",
        mentionSentence(k, field),
        mayOpen && k.otherPersonRecord
          ? h("p.govuk-body", { class: "govuk-!-margin-top-2 govuk-!-margin-bottom-0" },
              h("a.govuk-link", { href: `#/people/${personId(k.otherPersonRecord)}`,
                                  "data-field": field("otherPersonRecord", true) }, "Open person record"))
          : null),
      h("td.govuk-table__cell",
        h("div.app-match",
          k.confirmed ? h("p.govuk-body", { class: "govuk-!-margin-bottom-1" },
                          h("strong.govuk-tag.govuk-tag--green", { "data-field": field("confirmed", true) },
                            "Confirmed: same person")) : null,
          k.score || !k.confirmed ? h("span", { "data-field": field("score", k.score) }, `${k.score} of 100`) : null,
          k.reasons.length ? [k.score || !k.confirmed ? ": " : null, h("span", { "data-field": field("reasons", true) },
                                      k.reasons.map(matchReasonWords).join(", "))] : null),
        buttons.length ? h("div.govuk-button-group", { class: "govuk-!-margin-top-2 govuk-!-margin-bottom-0" }, buttons) : null));
  });
  replaceChildren(section,
    h("h2.govuk-heading-m#also-known-to-title", "Also known to"),
    h("div.govuk-inset-text",
      "Unless marked confirmed, these are possible matches: safeguard compares names, dates of birth, NHS numbers " +
      "and PNC ids, and these other referrals name someone who may be a person in this one. Judge whether each is " +
      "the same person before acting on it. What those referrals hold is not shown."),
    h("table.govuk-table",
      h("caption.govuk-table__caption.govuk-table__caption--s",
        "Other referrals that may name the same people, most alike first"),
      h("thead.govuk-table__head", h("tr.govuk-table__row",
        h("th.govuk-table__header", { scope: "col" }, "In this referral"),
        h("th.govuk-table__header", { scope: "col" }, "Known to"),
        h("th.govuk-table__header", { scope: "col" }, "Match"))),
      h("tbody.govuk-table__body", rowsOut)));
  return section;
}

// The link a referral of each kind takes to the other.
const LINK_FROM: Partial<Record<ReferralKind, LinkType>> = {
  [ReferralKind.MARAC]: LinkType.LINK_TARGET_HARDENING_JOB,
  [ReferralKind.TARGET_HARDENING]: LinkType.LINK_MARAC_CASE,
};

// The referral's links, each with where it stands and what its coordinator
// may do with it (confirm or decline a request, withdraw a proposal, remove
// a link), and a form to ask for a new one. The other referral is linked
// to only once linked: before, the caller may not be able to read it.
function linksSection(main: HTMLElement, r: Referral, signal: AbortSignal,
                      breakGlass?: string): HTMLElement | null {
  const mayLink = !breakGlass && may("Referrals/LinkReferral");
  const mayUnlink = !breakGlass && may("Referrals/UnlinkReferral");
  const type = mayLink ? LINK_FROM[r.kind] : undefined;
  if (r.links.length === 0 && type === undefined) return null;
  const section = h("section", { "aria-labelledby": "links-title" },
                    h("h2.govuk-heading-m#links-title", "Linked referrals"));
  const change = async (call: Promise<Referral>, done: (updated: Referral) => string) => {
    try {
      const updated = await call;
      redraw(main, r, updated, signal, done(updated));
    } catch (err) {
      changeFailed(main, section, err, r, signal);
    }
  };
  const ask = (l: Pick<ReferralLink, "type" | "referral">) => change(
      referrals.linkReferral({ name: r.name, link: { type: l.type, referral: l.referral } }, { signal }),
      (updated) => {
        const made = updated.links.find((x) => x.referral === l.referral);
        const id = referralId(l.referral);
        return made?.status === LinkStatus.LINK_LINKED ? `Linked to ${id}.`
            : `Asked to link to ${id}: it is linked once the other coordinator asks for it too.`;
      });
  const unlink = (l: ReferralLink, done: string) => change(
      referrals.unlinkReferral({ name: r.name, referral: l.referral }, { signal }), () => done);
  // A button whose name, read out, says which link it is for.
  const act = (label: string, rest: string, onclick: () => void, secondary = true) =>
      h("button.govuk-button", { type: "button", class: secondary ? "govuk-button--secondary" : null,
                                 "data-module": "govuk-button", onclick },
        label, h("span.govuk-visually-hidden", rest));

  if (r.links.length === 0) section.append(h("p.govuk-body", "No linked referrals."));
  r.links.forEach((l, i) => {
    const p = `links[${i}]`;
    const id = referralId(l.referral);
    const linked = l.status === LinkStatus.LINK_LINKED;
    const to = ` to referral ${id}`;
    // Each value marked with its JSON path, as the summary lists above are.
    const facts: [string, Child, string?][] = [
      ["Referral", linked ? link(`#/referrals/${id}`, id) : id, `${p}.referral`],
      ["Status", linkStatusWords(l.status), l.status ? `${p}.status` : undefined],
    ];
    if (l.linkedBy) facts.push([linked ? "Linked by" : "Asked for by", l.linkedBy, `${p}.linkedBy`]);
    if (l.linkTime) facts.push(["When", when(l.linkTime), `${p}.linkTime`]);
    const buttons = [
      l.status === LinkStatus.LINK_REQUESTED && mayLink
        ? act("Confirm the link", to, () => ask(l), false) : null,
      l.status === LinkStatus.LINK_REQUESTED && mayUnlink
        ? act("Decline", ` the link${to}`, () => unlink(l, "The link asked for was declined.")) : null,
      l.status === LinkStatus.LINK_PROPOSED && mayUnlink
        ? act("Withdraw", ` the link${to}`, () => unlink(l, "The link asked for was withdrawn.")) : null,
      linked && mayUnlink
        ? act("Remove the link", to, () => unlink(l, `The link to ${id} was removed.`)) : null,
    ].filter((b) => b !== null);
    section.append(h("div", { "data-link": l.referral },
      h("h3.govuk-heading-s", { "data-field": l.type ? `${p}.type` : null }, linkTypeWords(l.type)),
      summaryList(facts),
      buttons.length ? h("div.govuk-button-group", buttons) : null));
  });

  if (type !== undefined) {
    const form = <HTMLFormElement>h("form", { novalidate: true, "aria-labelledby": "link-form-title" },
      h("h3.govuk-heading-s#link-form-title", "Link to another referral"),
      h("p.govuk-body", "This referral's id, for the other coordinator: ",
        h("strong#own-referral-id", referralId(r.name))),
      textInput("link.referral", `${linkTypeWords(type)}'s id`,
                { hint: "Ask the other coordinator for their referral's id", width: "20" }),
      button("Ask to link", { id: "link-referral" }));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const entered = read.text(form, "link.referral");
      if (!entered) {
        showProblem(section, { code: Code.InvalidArgument, message: "Some answers need correcting.",
                               fields: [{ field: "link.referral", description: "is required" }] });
        return;
      }
      void ask({ type, referral: `referrals/${referralId(entered)}` });
    });
    section.append(form);
  }
  return section;
}
