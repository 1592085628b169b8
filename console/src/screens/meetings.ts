// MARAC meetings and Channel panels: the list of meetings the caller
// reaches, the organiser's form to create one, and a meeting's page: its
// agenda in the SafeLives order, each case through the caller's field
// view with the agencies' research, its outcome and its action plan;
// attendance; holding and closing the meeting. A representative sees the
// same page with a research form per case for their own agency until the
// meeting is held; the organiser's forms are shown only to those the
// policy lets call them.
import type { JsonObject } from "@bufbuild/protobuf";
import { toJson } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";

import {
  type Action, type Agenda, type AgendaItem, type Meeting, MeetingState, Presence,
} from "../../gen/safeguard/v1/meetings_pb";
import { ReferralKind, ReferralSchema } from "../../gen/safeguard/v1/referral_pb";
import { newRequestId, type Problem, problemFrom } from "../api";
import { type Child, h, replaceChildren } from "../dom";
import { type Row, rows, summary } from "../fields";
import { kindWords, partialDate, when } from "../format";
import {
  actionStatusTags, meetingId, meetingKinds, meetingStateTag, meetingTitle, meetings, SECTIONS,
} from "../meetings";
import * as read from "../read";
import { may, session } from "../session";
import {
  banner, button, choices, clearProblems, dateInput, link, scopeIds, select, showProblem,
  summaryList, textArea, textInput,
} from "../ui";
import { referralId } from "./worklist";

// A notice for the next meeting page drawn ("Meeting created."), kept in
// memory only.
let flash: string | undefined;

// ---- The list -----------------------------------------------------------

export async function showMeetings(main: HTMLElement, [id]: string[], signal: AbortSignal): Promise<void> {
  if (id === "new") return showNewMeeting(main, signal);
  if (id) return showMeeting(main, id, signal);
  const { info } = session();
  const kinds = meetingKinds();
  const results = h("div#meetings-results");
  const filters = <HTMLFormElement>h("form.app-filters", { novalidate: true, "aria-label": "Filter the meetings" },
    kinds.length > 1 ? select("kind", "Kind", kinds.map((k): [string, string] => [String(k), kindWords(k)])) : null,
    select("area", "Area", [["", "Any area"], ...info.areas.map((a): [string, string] => [a, a])]),
    select("when", "Show", [["upcoming", "Upcoming meetings"], ["all", "Earlier meetings too"]]),
    h("div.govuk-form-group", button("Apply filters", { id: "meetings-filter" }, true)));
  replaceChildren(main,
    h("h1.govuk-heading-l", "Meetings"),
    may("Meetings/CreateMeeting")
      ? h("p.govuk-body", h("a.govuk-button#new-meeting", { href: "#/meetings/new", role: "button", draggable: "false" },
                            "Create a meeting"))
      : null,
    filters, results);

  const load = async (token: string): Promise<void> => {
    clearProblems(main);
    const data = new FormData(filters);
    const response = await meetings.listMeetings({
      pageSize: 50, pageToken: token,
      kind: kinds.length > 1 ? Number(data.get("kind")) as ReferralKind : ReferralKind.REFERRAL_KIND_UNSPECIFIED,
      area: String(data.get("area") ?? ""),
      fromTime: data.get("when") === "all" ? undefined : timestampFromDate(new Date()),
    }, { signal });
    replaceChildren(results, meetingsTable(response.meetings),
      response.nextPageToken ? h("nav.govuk-pagination", { "aria-label": "More meetings" },
        h("div.govuk-pagination__next", h("a.govuk-link.govuk-pagination__link#meetings-next", {
          href: "#", rel: "next",
          onclick: (e: Event) => { e.preventDefault(); run(response.nextPageToken); } },
          h("span.govuk-pagination__link-title", "Later meetings")))) : null);
  };
  const run = (token: string) => {
    load(token).catch((e) => { if (!signal.aborted) showProblem(main, problemFrom(e)); });
  };
  filters.addEventListener("submit", (e) => { e.preventDefault(); run(""); });
  await load("");
}

function meetingsTable(list: Meeting[]): HTMLElement {
  if (list.length === 0) return h("p.govuk-body#meetings-empty", "No meetings match.");
  return h("table.govuk-table#meetings",
    h("caption.govuk-table__caption.govuk-table__caption--m",
      `${list.length} meeting${list.length === 1 ? "" : "s"}, earliest first`),
    h("thead.govuk-table__head", h("tr.govuk-table__row",
      ["Starts", "Kind", "Area", "State", "Chair", "Cases"].map((t) =>
        h("th.govuk-table__header", { scope: "col" }, t)))),
    h("tbody.govuk-table__body", list.map((m) => h("tr.govuk-table__row", { "data-name": m.name },
      h("td.govuk-table__cell", link(`#/meetings/${meetingId(m.name)}`, when(m.startTime))),
      h("td.govuk-table__cell", kindWords(m.kind)),
      h("td.govuk-table__cell", m.area),
      h("td.govuk-table__cell", meetingStateTag(m.state)),
      h("td.govuk-table__cell", m.chair),
      h("td.govuk-table__cell", String(m.cases.length))))));
}

// ---- Creating a meeting ---------------------------------------------------

function showNewMeeting(main: HTMLElement, signal: AbortSignal): void {
  const { info } = session();
  const kinds = meetingKinds();
  // One id for this form: sending it again (after an error, or a lost
  // answer) cannot make a second meeting.
  const requestId = newRequestId();
  const form = <HTMLFormElement>h("form", { novalidate: true, "data-request-id": requestId },
    kinds.length > 1 ? choices("radios", "meeting.kind", "Kind of meeting",
      kinds.map((k): [string, string] => [String(k), kindWords(k)]), { checked: [String(kinds[0])], inline: true }) : null,
    select("meeting.area", "Area", [["", "Choose an area"], ...info.areas.map((a): [string, string] => [a, a])]),
    dateInput("meeting.start_time", "Date of the meeting", "For example, 27 3 2026"),
    textInput("meeting.start_time.time", "Start time", { hint: "24-hour clock, for example 10:00", width: "5" }),
    textInput("meeting.chair", "Chair", { hint: "The person who chairs the meeting", width: "20" }),
    textInput("meeting.venue", "Venue or link", { hint: "A place, or a link to join the meeting online" }),
    h("p.govuk-body", "Every agency the policy gives a representative in the area is invited."),
    button("Create meeting", { id: "create-meeting" }));
  replaceChildren(main,
    h("p.govuk-body", link("#/meetings", "Back to meetings", { class: "govuk-back-link" })),
    h("h1.govuk-heading-l", "Create a meeting"), form);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const bad: read.Violations = [];
    const start = read.dateTime(form, "meeting.start_time", bad);
    if (bad.length) {
      showProblem(form, { code: Code.InvalidArgument, message: "Some answers need correcting.", fields: bad });
      return;
    }
    const submit = form.querySelector<HTMLButtonElement>("#create-meeting")!;
    submit.disabled = true;
    try {
      const created = await meetings.createMeeting({ requestId, meeting: {
        kind: kinds.length > 1 ? Number(read.text(form, "meeting.kind")) as ReferralKind : kinds[0],
        area: read.text(form, "meeting.area"),
        startTime: start ? timestampFromDate(start) : undefined,
        chair: read.text(form, "meeting.chair"),
        venue: read.text(form, "meeting.venue"),
      } }, { signal });
      flash = "Meeting created.";
      location.hash = `#/meetings/${meetingId(created.name)}`;
    } catch (err) {
      if (!signal.aborted) showProblem(form, problemFrom(err));
    } finally {
      submit.disabled = false;
    }
  });
}

// ---- A meeting's page -----------------------------------------------------

// The API's sentence for a stale version names a referral: here it is the
// meeting.
function meetingProblem(err: unknown): Problem {
  const p = problemFrom(err);
  if (p.code === Code.Aborted) p.message = "This meeting was changed by someone else: reload it and try again.";
  return p;
}

const PRESENCE: [string, string][] = [
  [String(Presence.PRESENT), "Present"],
  [String(Presence.APOLOGIES), "Apologies"],
  [String(Presence.APOLOGIES_INFORMATION_SENT), "Apologies, information sent"],
];

async function showMeeting(main: HTMLElement, id: string, signal: AbortSignal): Promise<void> {
  const agenda = await meetings.getAgenda({ name: `meetings/${id}` }, { signal });
  const notice = flash;
  flash = undefined;
  drawMeeting(main, agenda, signal, notice ? banner(notice, "success") : undefined);
}

interface Page {
  main: HTMLElement;
  agenda: Agenda;
  signal: AbortSignal;
}

function drawMeeting(main: HTMLElement, agenda: Agenda, signal: AbortSignal, notice?: HTMLElement): void {
  const m = agenda.meeting!;
  const page: Page = { main, agenda, signal };
  const organiser = may("Meetings/RecordOutcome");
  replaceChildren(main,
    notice ?? null,
    h("p.govuk-body", link("#/meetings", "Back to meetings", { class: "govuk-back-link" })),
    h("h1.govuk-heading-l", `Meeting: ${meetingTitle(m)}`),
    summaryList([
      ["State", meetingStateTag(m.state)],
      ["Starts", when(m.startTime)],
      ["Area", m.area],
      ["Chair", m.chair],
      ["Venue or link", m.venue],
      ["Agencies represented", m.agencies.join(", ")],
    ]),
    h("section#agenda", { "aria-labelledby": "agenda-title" },
      h("h2.govuk-heading-l#agenda-title", "Agenda"),
      agenda.items.length === 0 ? h("p.govuk-body", "No cases are listed yet.") : null,
      SECTIONS.map(([section, title]) => {
        const items = agenda.items.filter((i) => i.section === section);
        const titleId = `section-${section}`;
        return h("section.app-agenda-section", { "data-section": String(section), "aria-labelledby": titleId },
          h("h3.govuk-heading-m", { id: titleId }, title),
          items.length ? items.map((item) => caseBlock(page, item))
                       : h("p.govuk-body", "No cases."));
      })),
    attendanceSection(page, organiser),
    stateSection(page),
    minutesSection(agenda));
}

// Once the meeting is held, its minutes as the server generates them.
function minutesSection(agenda: Agenda): HTMLElement | null {
  if (!agenda.minutes) return null;
  return h("section#minutes", { "aria-labelledby": "minutes-title" },
    h("h2.govuk-heading-l#minutes-title", "Minutes"),
    h("pre.app-minutes", { tabindex: "0", "aria-label": "Minutes" }, agenda.minutes));
}

// Of a case, what a meeting works from: the people, the risk summary and
// the concern, whatever the caller's view holds of them (never the DASH
// answers, narrative, notes or history, even where the view holds them).
const PERSON = ["fullName", "dateOfBirth", "address"];
function pick(obj: unknown, keys: string[]): JsonObject {
  const out: JsonObject = {};
  if (obj && typeof obj === "object" && !Array.isArray(obj)) {
    for (const k of keys) if (k in (obj as JsonObject)) out[k] = (obj as JsonObject)[k];
  }
  return out;
}

function caseRows(item: AgendaItem): Row[] {
  const json = toJson(ReferralSchema, item.referral!, { alwaysEmitImplicit: false }) as JsonObject;
  const out: Row[] = [];
  const subjects = Array.isArray(json.subjects) ? json.subjects : [];
  const marac = item.referral?.kind === ReferralKind.MARAC;
  subjects.forEach((s, i) => {
    const who = marac && i === 0 ? "Victim" : `Person ${i + 1}`;
    out.push(...rows(pick(s, PERSON), `subjects[${i}]`, who));
  });
  if (json.marac) {
    const f = json.marac as JsonObject;
    if (f.perpetrator) out.push(...rows(pick(f.perpetrator, PERSON), "marac.perpetrator", "Perpetrator"));
    if (Array.isArray(f.children)) {
      f.children.forEach((c, i) => out.push(...rows(pick(c, ["fullName", "dateOfBirth"]),
                                                  `marac.children[${i}]`, `Child ${i + 1}`)));
    }
    // A repeat the referrer claims is marked so among the criteria.
    out.push(...rows(pick(f, ["relationship", "dashScore", "criteria", "repeatClaimed"]), "marac"));
  }
  if (json.channel) {
    out.push(...rows(pick(json.channel, ["concern", "indicators", "subjectIsMinor"]), "channel"));
  }
  return out;
}

function caseBlock(page: Page, item: AgendaItem): HTMLElement {
  const r = item.referral!;
  const rid = referralId(r.name);
  const titleId = `case-${rid}`;
  const reference = r.reference || rid;
  return h("article.app-case", { "data-case": r.name, "aria-labelledby": titleId },
    h("h4.govuk-heading-m", { id: titleId },
      // Representatives see a case only through the agenda: no link to a
      // referral page they could not read.
      may("Meetings/CreateMeeting") && may("Referrals/GetReferral") ? link(`#/referrals/${rid}`, reference) : reference),
    summary(caseRows(item)),
    researchBlock(page, item),
    outcomeBlock(page, item),
    actionsBlock(page, item));
}

// A status line beside a form's button, said by screen readers.
function saved(): HTMLElement {
  return h("p.govuk-body.app-saved", { role: "status" });
}

function researchBlock(page: Page, item: AgendaItem): HTMLElement | null {
  const listing = item.listing;
  if (!listing) return null;
  const m = page.agenda.meeting!;
  const rid = referralId(item.referral!.name);
  const agency = session().info.caller!.agency;
  const own = listing.research.find((x) => x.agency === agency);
  const canWrite = may("Meetings/RecordResearch") && m.state === MeetingState.MEETING_SCHEDULED &&
      m.agencies.includes(agency);
  const others = canWrite ? listing.research.filter((x) => x.agency !== agency) : listing.research;
  const list = others.length ? h("dl.govuk-summary-list.app-research", others.map((x) =>
    h("div.govuk-summary-list__row", { "data-agency": x.agency },
      h("dt.govuk-summary-list__key", x.agency),
      h("dd.govuk-summary-list__value",
        h("p.govuk-body.app-pre", x.text),
        h("p.govuk-body-s", `By ${x.author}, ${when(x.recordTime)}`)))))
    : h("p.govuk-body", canWrite ? "No other agency has recorded research yet." : "No research recorded.");
  let form: HTMLElement | null = null;
  if (canWrite) {
    const status = saved();
    const f = scopeIds(<HTMLFormElement>h("form", { novalidate: true, "data-form": "research" },
      textArea("text", `Research by ${agency}`, { value: own?.text ?? "",
        hint: own ? `Saved by ${own.author}, ${when(own.recordTime)}. Saving again replaces it.`
                  : "What your agency knows of this case, for the meeting. You can change it until the meeting is held." }),
      button("Save research", { class: "app-save-research" }), status), rid);
    f.addEventListener("submit", async (e) => {
      e.preventDefault();
      clearProblems(f);
      status.textContent = "";
      try {
        const updated = await meetings.recordResearch(
            { name: m.name, referral: item.referral!.name, text: read.text(f, "text") }, { signal: page.signal });
        page.agenda.meeting = updated;
        status.textContent = `Research saved for ${item.referral!.reference || rid}.`;
      } catch (err) {
        if (!page.signal.aborted) showProblem(f, meetingProblem(err));
      }
    });
    form = f;
  } else if (may("Meetings/RecordResearch") && m.state !== MeetingState.MEETING_SCHEDULED) {
    form = h("p.govuk-inset-text", "The meeting has been held: research can no longer be changed.");
  }
  return h("div.app-case-research",
    h("h5.govuk-heading-s", canWrite ? "Other agencies' research" : "Research by agency"), list, form);
}

function outcomeBlock(page: Page, item: AgendaItem): HTMLElement | null {
  const listing = item.listing;
  if (!listing) return null;
  const m = page.agenda.meeting!;
  const rid = referralId(item.referral!.name);
  if (!may("Meetings/RecordOutcome") || m.state === MeetingState.MEETING_CLOSED) {
    return h("div.app-case-outcome", h("h5.govuk-heading-s", "Outcome"),
      h("p.govuk-body.app-pre", listing.outcome || "No outcome recorded."));
  }
  const status = saved();
  const form = scopeIds(<HTMLFormElement>h("form", { novalidate: true, "data-form": "outcome" },
    textArea("outcome", "Outcome", { value: listing.outcome,
      hint: "What the meeting decided for this case." }),
    button("Save outcome", { class: "app-save-outcome" }), status), rid);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearProblems(form);
    status.textContent = "";
    try {
      const updated = await meetings.recordOutcome(
          { name: m.name, referral: item.referral!.name, outcome: read.text(form, "outcome") }, { signal: page.signal });
      page.agenda.meeting = updated;
      status.textContent = `Outcome saved for ${item.referral!.reference || rid}.`;
    } catch (err) {
      if (!page.signal.aborted) showProblem(form, meetingProblem(err));
    }
  });
  return h("div.app-case-outcome", h("h5.govuk-heading-s", "Outcome"), form);
}

function actionsTable(actions: Action[]): HTMLElement {
  if (actions.length === 0) return h("p.govuk-body", "No actions.");
  return h("table.govuk-table.app-actions",
    h("caption.govuk-visually-hidden", "The case's actions"),
    h("thead.govuk-table__head", h("tr.govuk-table__row",
      ["Action", "Owner", "Due", "Status"].map((t) => h("th.govuk-table__header", { scope: "col" }, t)))),
    h("tbody.govuk-table__body", actions.map((a) => h("tr.govuk-table__row", { "data-name": a.name },
      h("td.govuk-table__cell", a.description),
      h("td.govuk-table__cell", `${a.ownerAgency}${a.owner ? `: ${a.owner}` : ""}`),
      h("td.govuk-table__cell", partialDate(a.dueDate)),
      h("td.govuk-table__cell", actionStatusTags(a.status, a.overdue).flatMap((t) => [t, " "]),
        a.statusReason ? h("p.govuk-body-s", `Why: ${a.statusReason}`) : null)))));
}

function actionsBlock(page: Page, item: AgendaItem): HTMLElement {
  const m = page.agenda.meeting!;
  const rid = referralId(item.referral!.name);
  const holder = h("div.app-case-actions-list", actionsTable(item.actions));
  let form: HTMLFormElement | null = null;
  if (item.listing && may("Meetings/CreateAction") && m.state !== MeetingState.MEETING_CLOSED) {
    let requestId = newRequestId();
    const status = saved();
    form = scopeIds(<HTMLFormElement>h("form", { novalidate: true, "data-form": "add-action" },
      h("h6.govuk-heading-s", "Add an action"),
      select("action.owner_agency", "Owning agency",
             [["", "Choose an agency"], ...m.agencies.map((a): [string, string] => [a, a])]),
      textInput("action.owner", "Owner", { hint: "The person or team in the agency who does it", width: "20" }),
      dateInput("action.due_date", "Due date", "For example, 27 3 2026"),
      textArea("action.description", "What is to be done"),
      button("Add action", { class: "app-add-action" }), status), rid);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      clearProblems(form!);
      status.textContent = "";
      const bad: read.Violations = [];
      const due = read.date(form!, "action.due_date", bad);
      if (bad.length) {
        showProblem(form!, { code: Code.InvalidArgument, message: "Some answers need correcting.", fields: bad });
        return;
      }
      try {
        const created = await meetings.createAction({ name: m.name, requestId, action: {
          referral: item.referral!.name,
          ownerAgency: read.text(form!, "action.owner_agency"),
          owner: read.text(form!, "action.owner"),
          dueDate: due,
          description: read.text(form!, "action.description"),
        } }, { signal: page.signal });
        requestId = newRequestId();
        item.actions.push(created);
        replaceChildren(holder, actionsTable(item.actions));
        form!.reset();
        status.textContent = `Action added for ${created.ownerAgency}: ${created.description}`;
      } catch (err) {
        if (!page.signal.aborted) showProblem(form!, meetingProblem(err));
      }
    });
  }
  return h("div.app-case-actions", h("h5.govuk-heading-s", "Actions"), holder, form);
}

function attendanceSection(page: Page, organiser: boolean): HTMLElement {
  const m = page.agenda.meeting!;
  const byAgency = new Map(m.attendance.map((a) => [a.agency, a]));
  const canRecord = organiser && may("Meetings/RecordAttendance") && m.state !== MeetingState.MEETING_CLOSED;
  let body: Child;
  if (!canRecord) {
    body = m.attendance.length ? summaryList(m.attendance.map((a): [string, Child] => [a.agency,
      `${PRESENCE.find(([v]) => v === String(a.presence))?.[1] ?? ""}${a.attendee ? `: ${a.attendee}` : ""}` +
      `${a.confidentialityAcknowledged ? " (confidentiality acknowledged)" : ""}`]))
      : h("p.govuk-body", "No attendance recorded yet.");
  } else {
    body = m.agencies.map((agency) => {
      const a = byAgency.get(agency);
      const titleId = `attendance-${agency}`;
      const status = saved();
      const form = scopeIds(<HTMLFormElement>h("form.app-attendance", { novalidate: true, "data-form": "attendance",
                                                    "data-agency": agency, "aria-labelledby": titleId },
        h("h3.govuk-heading-s", { id: titleId }, agency),
        choices("radios", "attendance.presence", "Attendance", PRESENCE,
                { inline: true, small: true, checked: a ? [String(a.presence)] : [] }),
        textInput("attendance.attendee", "Attendee's name", { value: a?.attendee ?? "", width: "20" }),
        choices("checkboxes", "attendance.confidentiality_acknowledged", "Confidentiality",
                [["true", "The attendee acknowledged the confidentiality statement"]],
                { small: true, checked: a?.confidentialityAcknowledged ? ["true"] : [] }),
        button("Record attendance", { class: "govuk-button--secondary app-record-attendance",
                                     "aria-describedby": titleId }),
        status), agency);
      form.addEventListener("submit", async (e) => {
        e.preventDefault();
        clearProblems(form);
        status.textContent = "";
        try {
          const updated = await meetings.recordAttendance({ name: m.name, attendance: {
            agency,
            presence: Number(read.text(form, "attendance.presence")) as Presence,
            attendee: read.text(form, "attendance.attendee"),
            confidentialityAcknowledged: read.text(form, "attendance.confidentiality_acknowledged") === "true",
          } }, { signal: page.signal });
          page.agenda.meeting = updated;
          status.textContent = `Attendance recorded for ${agency}.`;
        } catch (err) {
          if (!page.signal.aborted) showProblem(form, meetingProblem(err));
        }
      });
      return form;
    });
  }
  return h("section#attendance", { "aria-labelledby": "attendance-title" },
    h("h2.govuk-heading-l#attendance-title", "Attendance"), body);
}

function stateSection(page: Page): HTMLElement | null {
  const m = page.agenda.meeting!;
  if (!may("Meetings/TransitionMeeting") || m.state === MeetingState.MEETING_CLOSED) return null;
  const hold = m.state === MeetingState.MEETING_SCHEDULED;
  const action = hold ? "hold" : "close";
  const form = <HTMLFormElement>h("form", { novalidate: true, "aria-labelledby": "state-title" },
    h("h2.govuk-heading-l#state-title", hold ? "Hold the meeting" : "Close the meeting"),
    h("p.govuk-body", hold
      ? "Once the meeting is held, agencies can no longer change their research. Outcomes and actions can still be recorded."
      : "Once the meeting is closed, nothing more can be recorded for it."),
    button(hold ? "Hold the meeting" : "Close the meeting", { id: "meeting-transition" }, !hold));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const current = page.agenda.meeting!;
    try {
      await meetings.transitionMeeting({ name: current.name, action, version: current.version },
                                       { signal: page.signal });
      const fresh = await meetings.getAgenda({ name: current.name }, { signal: page.signal });
      drawMeeting(page.main, fresh, page.signal,
                  banner(hold ? "The meeting is now held." : "The meeting is now closed.", "success"));
      page.main.querySelector<HTMLElement>(".govuk-notification-banner")?.focus();
    } catch (err) {
      if (page.signal.aborted) return;
      const problem = meetingProblem(err);
      showProblem(form, problem);
      if (problem.code === Code.Aborted) {
        form.querySelector(".govuk-error-summary__body")?.append(
          h("button.govuk-button.govuk-button--secondary#reload-meeting", { type: "button",
            onclick: async () => {
              try {
                const fresh = await meetings.getAgenda({ name: current.name }, { signal: page.signal });
                drawMeeting(page.main, fresh, page.signal);
                page.main.querySelector<HTMLElement>("h1")?.focus();
              } catch (e2) {
                showProblem(form, meetingProblem(e2));
              }
            } }, "Reload the meeting"));
      }
    }
  });
  return form;
}
