// The auditor's screens: the audit log with its filters, who accessed one
// referral, verification of the chain and its signed checkpoints, export as
// a download, and break-glass (a full read of one referral for a written
// reason, marked on screen and in the log).
import { create, toJsonString } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient } from "@connectrpc/connect";

import {
  Audit,
  type AuditEntry, AuditExportItemSchema, AuditFilterSchema, type ListAuditEntriesResponse,
} from "../../gen/safeguard/v1/audit_pb";
import { problemFrom, transport } from "../api";
import { changeLabel } from "../changes";
import { type Child, h, replaceChildren } from "../dom";
import { when } from "../format";
import * as read from "../read";
import { may } from "../session";
import { button, clearProblems, dateInput, select, showProblem, summaryList, textArea, textInput } from "../ui";
import { drawReferral } from "./referral";
import { referralId } from "./worklist";

const audit = createClient(Audit, transport);

const PAGE_SIZE = 50;

const OUTCOMES: [string, string][] = [["", "Any outcome"], ...Object.entries(Code)
    .filter(([k, v]) => typeof v === "number" && isNaN(Number(k)))
    .map(([k, v]): [string, string] => [String(v), k === "Canceled" ? "Cancelled" : k.replace(/([a-z])([A-Z])/g, "$1 $2")])];

function outcomeWords(code: number): string {
  if (code === 0) return "OK";
  return OUTCOMES.find(([v]) => v === String(code))?.[1] ?? String(code);
}

const METHODS = [
  "safeguard.v1.Referrals/SubmitReferral", "safeguard.v1.Referrals/GetReferral",
  "safeguard.v1.Referrals/ListReferrals", "safeguard.v1.Referrals/TransitionReferral",
  "safeguard.v1.Referrals/AssignReferral", "safeguard.v1.Referrals/AddNote",
  "safeguard.v1.Referrals/UpdateReferral", "safeguard.v1.Referrals/LinkReferral",
  "safeguard.v1.Referrals/UnlinkReferral",
  "safeguard.v1.Referrals/WatchReferrals", "safeguard.v1.People/SearchPeople",
  "safeguard.v1.People/GetPerson", "safeguard.v1.People/MergePeople",
  "safeguard.v1.People/UnmergePerson", "safeguard.v1.People/RejectMatch",
  "safeguard.v1.Meetings/CreateMeeting", "safeguard.v1.Meetings/GetMeeting",
  "safeguard.v1.Meetings/ListMeetings", "safeguard.v1.Meetings/TransitionMeeting",
  "safeguard.v1.Meetings/GetAgenda", "safeguard.v1.Meetings/RecordAttendance",
  "safeguard.v1.Meetings/RecordResearch", "safeguard.v1.Meetings/RecordOutcome",
  "safeguard.v1.Meetings/CreateAction", "safeguard.v1.Meetings/UpdateAction",
  "safeguard.v1.Meetings/ListActions",
  "safeguard.v1.Reports/ListReportDefinitions", "safeguard.v1.Reports/RunReport",
  "safeguard.v1.Reports/RunUnsuppressedReport",
  "safeguard.v1.Audit/ListAuditEntries",
  "safeguard.v1.Audit/GetAccessLog", "safeguard.v1.Audit/VerifyAuditLog",
  "safeguard.v1.Audit/ExportAuditLog", "safeguard.v1.Audit/BreakGlass",
  "safeguard.v1.ServerInfo/GetServerInfo",
];

function subNav(active: string): HTMLElement {
  const items: [string, string, string][] = [
    ["", "Audit log", "Audit/ListAuditEntries"], ["access", "Who accessed a referral", "Audit/GetAccessLog"],
    ["verify", "Verify", "Audit/VerifyAuditLog"], ["export", "Export", "Audit/ExportAuditLog"],
    ["break-glass", "Break glass", "Audit/BreakGlass"]];
  return h("nav.moj-sub-navigation", { "aria-label": "Audit" },
    h("ul.moj-sub-navigation__list", items.filter(([, , m]) => may(m)).map(([p, t]) =>
      h("li.moj-sub-navigation__item", h("a.moj-sub-navigation__link",
        { href: p ? `#/audit/${p}` : "#/audit", "aria-current": p === active ? "page" : null }, t)))));
}

function entriesTable(entries: AuditEntry[]): HTMLElement {
  if (entries.length === 0) return h("p.govuk-body#audit-empty", "No entries match.");
  return h("table.govuk-table#audit-entries",
    h("caption.govuk-table__caption.govuk-table__caption--m", `${entries.length} entries on this page`),
    h("thead.govuk-table__head", h("tr.govuk-table__row",
      ["#", "Time", "Caller", "Method", "Referral", "Outcome", "View", "Notes"].map((t) =>
        h("th.govuk-table__header", { scope: "col" }, t)))),
    h("tbody.govuk-table__body", entries.map((e) => h("tr.govuk-table__row", { "data-sequence": String(e.sequence) },
      h("td.govuk-table__cell", String(e.sequence)),
      h("td.govuk-table__cell", when(e.time)),
      h("td.govuk-table__cell", e.agency ? `${e.agency}/${e.principal}` : "no identity"),
      h("td.govuk-table__cell", e.method.replace(/^safeguard\.v1\./, "")),
      h("td.govuk-table__cell", e.referral ? referralId(e.referral) : "",
        e.disclosed.length ? h("div.govuk-body-s", `and ${e.disclosed.length} disclosed`) : null),
      h("td.govuk-table__cell", e.code === 0 ? h("strong.govuk-tag.govuk-tag--green", "OK")
                                             : h("strong.govuk-tag.govuk-tag--red", outcomeWords(e.code))),
      h("td.govuk-table__cell", e.view),
      h("td.govuk-table__cell", e.breakGlassReason
          ? [h("strong.govuk-tag.govuk-tag--red", "Break glass"), " ", h("q", e.breakGlassReason)] : "",
        e.changedFields.length
          ? h("div.govuk-body-s", `Fields changed: ${e.changedFields.map(changeLabel).join(", ")}`)
          : null,
        e.reason ? h("div.govuk-body-s", { "data-audit": "reason" }, "Reason: ", h("q", e.reason)) : null,
        e.people.length
          ? h("div.govuk-body-s", { "data-audit": "people" },
              `Person records: ${e.people.map((p) => p.replace(/^people\//, "")).join(", ")}`)
          : null)))));
}

// A table of entries with next / previous paging over page tokens.
function pagedEntries(holder: HTMLElement, fetchPage: (token: string) => Promise<ListAuditEntriesResponse>): Promise<void> {
  const tokens = [""];
  let page = 0;
  const draw = async () => {
    const response = await fetchPage(tokens[page]);
    const links: Child[] = [];
    if (page > 0) links.push(h("div.govuk-pagination__prev", h("a.govuk-link.govuk-pagination__link#audit-previous",
      { href: "#", rel: "prev", onclick: (e: Event) => { e.preventDefault(); page--; redraw(); } },
      h("span.govuk-pagination__link-title", "Previous page"))));
    if (response.nextPageToken) links.push(h("div.govuk-pagination__next", h("a.govuk-link.govuk-pagination__link#audit-next",
      { href: "#", rel: "next", onclick: (e: Event) => { e.preventDefault(); tokens[++page] = response.nextPageToken; redraw(); } },
      h("span.govuk-pagination__link-title", "Next page"))));
    replaceChildren(holder, entriesTable(response.entries),
                    links.length ? h("nav.govuk-pagination", { "aria-label": "Pages of entries" }, links) : null);
  };
  const redraw = () => {
    draw().catch((e) => showProblem(holder, problemFrom(e)));
  };
  return draw();
}

function timeFrom(form: HTMLFormElement, path: string, bad: read.Violations) {
  const d = read.date(form, path, bad);
  if (!d) return undefined;
  const at = d.day && d.month ? read.localTime(d.year, d.month, d.day, 0, 0) : undefined;
  if (!at) {
    bad.push({ field: path, description: "needs a full, real date" });
    return undefined;
  }
  return timestampFromDate(at);
}

async function logScreen(main: HTMLElement, signal: AbortSignal): Promise<void> {
  const results = h("div#audit-results");
  const form = h("form", { novalidate: true, "aria-label": "Filter the audit log" },
    h("div.app-filters",
      textInput("filter.referral", "Referral", { hint: "Its id, from the referral's address", width: "20" }),
      textInput("filter.agency", "Agency", { width: "20" }),
      textInput("filter.caller", "Caller", { hint: "agency/person/name", width: "30" }),
      select("filter.method", "Method", [["", "Any method"], ...METHODS.map((m): [string, string] => [m, m.replace(/^safeguard\.v1\./, "")])]),
      select("filter.code", "Outcome", OUTCOMES)),
    h("div.app-filters",
      dateInput("filter.start_time", "From (optional)"),
      dateInput("filter.end_time", "Before (optional)")),
    button("Search", { id: "audit-search" }, true)) as HTMLFormElement;
  const search = async () => {
    clearProblems(main);
    replaceChildren(results, h("p.govuk-body", "Searching…"));
    const bad: read.Violations = [];
    const code = read.text(form, "filter.code");
    const referral = read.text(form, "filter.referral");
    const filter = create(AuditFilterSchema, {
      referral: referral ? `referrals/${referralId(referral)}` : "",
      agency: read.text(form, "filter.agency"),
      caller: read.text(form, "filter.caller"),
      method: read.text(form, "filter.method"),
      code: code ? Number(code) : 0,
      matchCode: code !== "",
      startTime: timeFrom(form, "filter.start_time", bad),
      endTime: timeFrom(form, "filter.end_time", bad),
    });
    if (bad.length) {
      showProblem(main, { code: 3, message: "Some answers need correcting.", fields: bad });
      return;
    }
    try {
      await pagedEntries(results, (pageToken) =>
          audit.listAuditEntries({ filter, pageSize: PAGE_SIZE, pageToken }, { signal }));
    } catch (e) {
      showProblem(main, problemFrom(e));
    }
  };
  form.addEventListener("submit", (e) => { e.preventDefault(); void search(); });
  replaceChildren(main, subNav(""), h("h1.govuk-heading-l", "Audit log"),
    h("p.govuk-body", "Every call to safeguard, allowed or refused, oldest first."), form, results);
  await search();
}

async function accessScreen(main: HTMLElement, signal: AbortSignal): Promise<void> {
  const results = h("div#access-results");
  const form = h("form", { novalidate: true },
    textInput("name", "Referral", { hint: "The referral's id, from its address (#/referrals/<id>)", width: "20" }),
    button("Show who accessed it", { id: "access-search" })) as HTMLFormElement;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearProblems(main);
    const id = referralId(read.text(form, "name"));
    replaceChildren(results, h("p.govuk-body", "Searching…"));
    try {
      await pagedEntries(results, (pageToken) =>
          audit.getAccessLog({ name: `referrals/${id}`, pageSize: PAGE_SIZE, pageToken }, { signal }));
    } catch (err) {
      showProblem(main, problemFrom(err));
    }
  });
  replaceChildren(main, subNav("access"), h("h1.govuk-heading-l", "Who accessed a referral"),
    h("p.govuk-body", "Every call that concerned or disclosed the referral, oldest first."), form, results);
}

async function verifyScreen(main: HTMLElement, signal: AbortSignal): Promise<void> {
  const result = h("div#verify-result", { "aria-live": "polite" });
  const go = h("button.govuk-button#verify", { type: "button", "data-module": "govuk-button" }, "Verify the audit log");
  go.addEventListener("click", async () => {
    replaceChildren(result, h("p.govuk-body", "Checking every entry and checkpoint…"));
    try {
      const r = await audit.verifyAuditLog({}, { signal });
      replaceChildren(result, r.ok
        ? h("div.govuk-panel.govuk-panel--confirmation",
            h("h2.govuk-panel__title", "The audit log is intact"),
            h("div.govuk-panel__body", `${r.entries} entries, ${r.checkpoints} signed checkpoints`))
        : h("div.govuk-error-summary", { tabindex: "-1" }, h("div", { role: "alert" },
            h("h2.govuk-error-summary__title", "The audit log is NOT intact"),
            h("div.govuk-error-summary__body", h("p.govuk-body",
              r.firstBadSequence ? `The first bad entry is #${r.firstBadSequence}: ${r.problem}`
                                 : `A checkpoint does not match: ${r.problem}`)))),
        summaryList([
          ["Entries", String(r.entries)], ["Signed checkpoints", String(r.checkpoints)],
          ["Entries after the last checkpoint", `${r.unsignedEntries} (covered by the chain only)`]]));
    } catch (e) {
      replaceChildren(result);
      showProblem(main, problemFrom(e));
    }
  });
  replaceChildren(main, subNav("verify"), h("h1.govuk-heading-l", "Verify the audit log"),
    h("p.govuk-body", "Recomputes the hash chain of every entry and checks it against the server's signed checkpoints."),
    go, result);
}

async function exportScreen(main: HTMLElement, signal: AbortSignal): Promise<void> {
  const status = h("div#export-status", { "aria-live": "polite" });
  const form = h("form", { novalidate: true },
    textInput("from_sequence", "From entry number", { hint: "1 for the whole log", value: "1", width: "10" }),
    button("Prepare the export", { id: "export" })) as HTMLFormElement;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearProblems(main);
    const bad: read.Violations = [];
    const from = read.number(form, "from_sequence", bad);
    if (bad.length) { showProblem(main, { code: 3, message: "Some answers need correcting.", fields: bad }); return; }
    replaceChildren(status, h("p.govuk-body", "Reading the log…"));
    const lines: string[] = [];
    let entries = 0;
    let checkpoints = 0;
    try {
      for await (const item of audit.exportAuditLog({ fromSequence: BigInt(from) }, { signal, timeoutMs: 0 })) {
        lines.push(toJsonString(AuditExportItemSchema, item));
        if (item.item.case === "entry") entries++; else checkpoints++;
      }
    } catch (err) {
      replaceChildren(status);
      showProblem(main, problemFrom(err));
      return;
    }
    // Held in memory only, for this page; nothing is written to the
    // browser's storage.
    const url = URL.createObjectURL(new Blob([lines.join("\n") + "\n"], { type: "application/x-ndjson" }));
    signal.addEventListener("abort", () => URL.revokeObjectURL(url), { once: true });
    replaceChildren(status, h("p.govuk-body", `${entries} entries and ${checkpoints} checkpoints are ready. `,
      h("a.govuk-link#export-download", { href: url, download: `safeguard-audit-from-${from}.ndjson` },
        "Download the export (JSON lines)")));
  });
  replaceChildren(main, subNav("export"), h("h1.govuk-heading-l", "Export the audit log"),
    h("p.govuk-body", "Every entry from a number on, and every signed checkpoint, one JSON object per line, to check offline."),
    form, status);
}

async function breakGlassScreen(main: HTMLElement, signal: AbortSignal): Promise<void> {
  const form = h("form", { novalidate: true },
    h("div.govuk-warning-text",
      h("span.govuk-warning-text__icon", { "aria-hidden": "true" }, "!"),
      h("strong.govuk-warning-text__text", h("span.govuk-visually-hidden", "Warning"),
        "Break-glass shows the whole referral, including what your role would not normally see. Your reason is recorded in the audit log and reviewed.")),
    textInput("name", "Referral", { hint: "The referral's id", width: "20" }),
    textArea("reason", "Why you need to read it in full", { hint: "At least 20 characters. Say what you are investigating." }),
    button("Break glass and read the referral", { id: "break-glass", class: "govuk-button--warning" })) as HTMLFormElement;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearProblems(main);
    const reason = read.text(form, "reason");
    try {
      const referral = await audit.breakGlass({ name: `referrals/${referralId(read.text(form, "name"))}`, reason }, { signal });
      drawReferral(main, referral, signal, undefined, reason);
      main.querySelector<HTMLElement>("h1")?.focus();  // drawReferral makes it focusable
    } catch (err) {
      showProblem(main, problemFrom(err));
    }
  });
  replaceChildren(main, subNav("break-glass"), h("h1.govuk-heading-l", "Break glass"), form);
}

export async function showAuditScreen(main: HTMLElement, [which]: string[], signal: AbortSignal): Promise<void> {
  switch (which) {
    case "": return logScreen(main, signal);
    case "access": return accessScreen(main, signal);
    case "verify": return verifyScreen(main, signal);
    case "export": return exportScreen(main, signal);
    case "break-glass": return breakGlassScreen(main, signal);
    default: throw new ConnectError("no such page", Code.NotFound);
  }
}

