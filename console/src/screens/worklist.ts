// The worklist: the referrals the caller may see as a filterable, paged
// table ordered by deadline or risk, kept current by WatchReferrals (new
// referrals appear and changed ones update without a reload), with
// assignment of one or several rows where the caller's role allows it.
//
// Keeping a page current follows the API's rule: watch, wait until the
// watch is live, list, then apply events (some may repeat the list).
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";

import {
  Priority, ReferralKind, type Referral,
} from "../../gen/safeguard/v1/referral_pb";
import {
  type ListReferralsRequestSchema, QueueOrder, ReferralEvent_Type, ReferralFilterSchema,
  type ReferralFilter, ReferralView, type WatchReferralsRequestSchema,
} from "../../gen/safeguard/v1/referrals_pb";
import { Code } from "@connectrpc/connect";

import { problemFrom, referrals } from "../api";
import { h, replaceChildren } from "../dom";
import { deadlineElement, kindWords, priorityElement, words } from "../format";
import { hasRole, may, session } from "../session";
import { banner, button, choices, clearProblems, select, showProblem, textInput } from "../ui";

const PAGE_SIZE = 50;
const LIVE_WAIT_MS = 5000;
const RECONNECT_MS = 3000;

export function worklistTitle(): string {
  if (hasRole("contractor")) return "Your jobs";
  const workers = ["agency_lead", "first_responder", "marac_coordinator", "channel_chair",
                   "prevent_officer", "sanctuary_coordinator", "idva", "fire_officer"];
  return workers.some(hasRole) ? "Worklist" : "Your referrals";
}

export function referralId(name: string): string {
  return name.replace(/^referrals\//, "");
}

export interface Query {
  filter: ReferralFilter;
  order: QueueOrder;
}

// The worklist as first opened: everything, earliest deadline first.
export function defaultQuery(): Query {
  return { filter: create(ReferralFilterSchema), order: QueueOrder.BY_DEADLINE };
}

// What the worklist asks for a query (early.ts sends the same for the
// default query on a fresh load): the queue's fields of each referral only.
export function watchRequest(q: Query): MessageInitShape<typeof WatchReferralsRequestSchema> {
  // The server filters events by kind and area; the rest is applied here.
  return { filter: { kind: q.filter.kind, area: q.filter.area }, view: ReferralView.BASIC };
}

export function pageRequest(q: Query, token: string): MessageInitShape<typeof ListReferralsRequestSchema> {
  return { pageSize: PAGE_SIZE, pageToken: token, filter: q.filter, orderBy: q.order,
           view: ReferralView.BASIC };
}

// Whether a referral from an event belongs on the page the query shows.
function matches(r: Referral, q: Query, now: Date): boolean {
  const f = q.filter;
  if (f.kind && r.kind !== f.kind) return false;
  if (f.state && r.state !== f.state) return false;
  if (f.area && r.area !== f.area) return false;
  if (f.assignee === "-" ? r.assignee !== "" : f.assignee && r.assignee !== f.assignee) return false;
  if (f.minPriority && r.priority < f.minPriority) return false;
  if (f.overdueOnly && !(r.deadline && timestampDate(r.deadline) <= now)) return false;
  return true;
}

function compare(a: Referral, b: Referral, order: QueueOrder): number {
  const deadline = (r: Referral) => r.deadline ? timestampDate(r.deadline).getTime() : Infinity;
  if (order === QueueOrder.BY_PRIORITY && a.priority !== b.priority) return b.priority - a.priority;
  return deadline(a) - deadline(b);
}

export async function showWorklist(main: HTMLElement, _args: string[], signal: AbortSignal): Promise<void> {
  const title = worklistTitle();
  const canAssign = may("Referrals/AssignReferral");
  const { info, me } = session();
  let query = defaultQuery();
  let rows: Referral[] = [];
  let tokens: string[] = [""];   // page tokens of the pages seen, for "previous"
  let page = 0;
  let nextToken = "";
  let loadRun: AbortController | undefined;

  const live = h("p.app-live", { role: "status", "aria-live": "polite", id: "live-status" }, "Connecting…");
  const announcer = h("p.govuk-visually-hidden", { "aria-live": "polite", id: "worklist-announcer" });
  const notices = h("div#worklist-notices");
  // New referrals that match the filters but belong on a later page in this
  // order: said, so that one arriving while the user looks here is never
  // missed. Cleared when the list loads again.
  const later = h("div#worklist-later");
  let laterNew: string[] = [];
  const tableHolder = h("div#worklist-table");
  const pager = h("nav.govuk-pagination", { "aria-label": "Pages of the worklist" });

  // ---- filters -------------------------------------------------------
  const kindOptions: [string, string][] = [["0", "Any kind"],
    ...[ReferralKind.NRM, ReferralKind.CHANNEL, ReferralKind.MARAC, ReferralKind.TARGET_HARDENING]
        .map((k): [string, string] => [String(k), kindWords(k)])];
  const filterForm = <HTMLFormElement>h("form.app-filters", { novalidate: true, "aria-label": "Filter the worklist" },
    select("filter.kind", "Kind", kindOptions),
    textInput("filter.state", "State", { hint: "For example RG_PENDING", width: "10" }),
    select("filter.area", "Area", [["", "Any area"], ...info.areas.map((a): [string, string] => [a, a])]),
    select("filter.assignee", "Assigned to", [["", "Anyone or no one"], ["-", "No one"], [me, "Me"]]),
    select("filter.min_priority", "Risk at least", [["0", "Any"], ["2", "Medium"], ["3", "High"], ["4", "Critical"]]),
    choices("checkboxes", "filter.overdue_only", "Deadline", [["true", "Overdue only"]], { small: true }),
    select("order_by", "Order by", [[String(QueueOrder.BY_DEADLINE), "Deadline, earliest first"],
                                    [String(QueueOrder.BY_PRIORITY), "Risk, highest first"]]),
    h("div.govuk-form-group", button("Apply filters", { id: "apply-filters" }, true)));
  filterForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const data = new FormData(filterForm);
    query = {
      filter: create(ReferralFilterSchema, {
        kind: Number(data.get("filter.kind")) as ReferralKind,
        state: String(data.get("filter.state") ?? "").trim().toUpperCase(),
        area: String(data.get("filter.area") ?? ""),
        assignee: String(data.get("filter.assignee") ?? ""),
        minPriority: Number(data.get("filter.min_priority")) as Priority,
        overdueOnly: data.get("filter.overdue_only") === "true",
      }),
      order: Number(data.get("order_by")) as QueueOrder,
    };
    reload("", false);
  });

  // ---- assignment ------------------------------------------------------
  const assignForm = <HTMLFormElement>h("form.app-table-actions", { novalidate: true, "aria-label": "Assign selected referrals" },
    textInput("assignee", "Assign the selected referrals to",
              { hint: "agency/person/name, for example suffolk-county-council/person/marac-coordinator",
                value: me, width: "30" }),
    button("Assign selected", { id: "assign-selected", name: "op", value: "assign" }),
    button("Unassign selected", { id: "unassign-selected", name: "op", value: "unassign" }, true));
  assignForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const op = ((e as SubmitEvent).submitter as HTMLButtonElement | null)?.value ?? "assign";
    void assignSelected(op === "unassign");
  });

  replaceChildren(main,
    h("h1.govuk-heading-l", title),
    live, announcer, later, notices,
    h("details.govuk-details", { open: true },
      h("summary.govuk-details__summary", h("span.govuk-details__summary-text", "Filters")),
      h("div.govuk-details__text", filterForm)),
    canAssign ? assignForm : null,
    tableHolder, pager);

  // Rows ticked for assignment, kept by name so that a live update, which
  // redraws the table, never loses a selection (or the keyboard's place).
  const selected = new Set<string>();
  tableHolder.addEventListener("change", (e) => {
    const box = e.target as HTMLInputElement;
    if (box.name !== "select") return;
    if (box.checked) selected.add(box.value); else selected.delete(box.value);
  });

  function selectedNames(): string[] {
    return rows.map((r) => r.name).filter((n) => selected.has(n));
  }

  async function assignSelected(unassign: boolean): Promise<void> {
    clearProblems(main);
    notices.replaceChildren();
    const names = selectedNames();
    const assignee = unassign ? "" : String(new FormData(assignForm).get("assignee") ?? "").trim();
    if (names.length === 0) {
      showProblem(main, { code: 3, message: "Select at least one referral first.", fields: [] });
      return;
    }
    const done: string[] = [];
    const failed: string[] = [];
    for (const name of names) {
      const r = rows.find((x) => x.name === name);
      if (!r) continue;
      try {
        const updated = await referrals.assignReferral({ name, assignee, version: r.version }, { signal });
        upsert(updated);
        done.push(updated.reference);
      } catch (err) {
        const p = problemFrom(err);
        failed.push(`${r.reference}: ${p.fields.length ? p.fields.map((f) => f.description).join("; ") : p.message}`);
      }
    }
    if (done.length) {
      notices.append(banner(`${unassign ? "Unassigned" : `Assigned to ${assignee}`}: ${done.join(", ")}`,
                            "success"));
    }
    if (failed.length) {
      showProblem(main, { code: 9, message: "Some referrals were not changed.",
                          fields: failed.map((f) => ({ field: "", description: f })) });
    }
  }

  // ---- the table -------------------------------------------------------
  function rowFor(r: Referral, now: Date, fresh: "" | "new" | "updated"): HTMLElement {
    const id = referralId(r.name);
    return h("tr.govuk-table__row", { "data-name": r.name, class: fresh ? "app-row--new" : null },
      canAssign ? h("td.govuk-table__cell",
        h("div.govuk-checkboxes.govuk-checkboxes--small",
          h("div.govuk-checkboxes__item",
            h("input.govuk-checkboxes__input", { type: "checkbox", name: "select", value: r.name,
                                                 id: `select-${id}`, checked: selected.has(r.name) }),
            h("label.govuk-label.govuk-checkboxes__label", { for: `select-${id}` },
              h("span.govuk-visually-hidden", `Select ${r.reference}`))))) : null,
      h("td.govuk-table__cell", h("a.govuk-link", { href: `#/referrals/${id}` }, r.reference),
        fresh ? [" ", h("strong.govuk-tag.govuk-tag--blue", fresh === "new" ? "New" : "Updated")] : null),
      h("td.govuk-table__cell", kindWords(r.kind)),
      h("td.govuk-table__cell", words(r.state)),
      h("td.govuk-table__cell", r.area),
      h("td.govuk-table__cell", r.priority ? priorityElement(r.priority) : ""),
      h("td.govuk-table__cell", deadlineElement(r.deadline, now)),
      h("td.govuk-table__cell", r.assignee || (r.state ? "No one" : "")));
  }

  function drawTable(): void {
    const focused = tableHolder.contains(document.activeElement) ? document.activeElement : null;
    const focusedId = focused?.id ?? "";
    const focusedRow = focused?.closest("tr")?.dataset.name ?? "";
    drawRows();
    // The element that had focus, redrawn, takes it back.
    if (focused) {
      const again = (focusedId && document.getElementById(focusedId)) ||
          tableHolder.querySelector<HTMLElement>(`tr[data-name="${CSS.escape(focusedRow)}"] a`);
      (again as HTMLElement | null)?.focus();
    }
  }

  function drawRows(): void {
    const now = new Date();
    if (rows.length === 0) {
      replaceChildren(tableHolder, h("p.govuk-body#worklist-empty", "No referrals match these filters."));
      return;
    }
    const head = ["Reference", "Kind", "State", "Area", "Risk", "Deadline", "Assigned to"];
    replaceChildren(tableHolder, h("table.govuk-table#worklist",
      h("caption.govuk-table__caption.govuk-table__caption--m",
        `${title}: ${rows.length} referral${rows.length === 1 ? "" : "s"} on this page`),
      h("thead.govuk-table__head", h("tr.govuk-table__row",
        canAssign ? h("th.govuk-table__header", { scope: "col" }, h("span.govuk-visually-hidden", "Select")) : null,
        head.map((t) => h("th.govuk-table__header", { scope: "col" }, t)))),
      h("tbody.govuk-table__body", rows.map((r) => rowFor(r, now, fresh.get(r.name) ?? "")))));
  }

  const fresh = new Map<string, "new" | "updated">();

  // An event's referral onto the page: replaced where shown, inserted in
  // order where it now belongs, removed where it no longer does.
  function upsert(r: Referral, kind: "" | "new" | "updated" = ""): void {
    const now = new Date();
    const at = rows.findIndex((x) => x.name === r.name);
    // An event may repeat what the list showed: not a change.
    if (at >= 0 && (r.version < rows[at].version || (kind && r.version === rows[at].version))) return;
    if (at >= 0) rows.splice(at, 1);
    if (matches(r, query, now)) {
      const last = rows[rows.length - 1];
      const fits = !nextToken || rows.length === 0 || compare(r, last, query.order) <= 0;
      if (fits || at >= 0) {
        let i = rows.findIndex((x) => compare(r, x, query.order) < 0);
        if (i < 0) i = rows.length;
        rows.splice(i, 0, r);
        if (kind) fresh.set(r.name, kind);
        if (kind) announcer.textContent = `${r.reference} ${kind === "new" ? "added" : "updated"}`;
      } else if (kind === "new") {
        laterNew.push(r.reference);
        drawLater();
        announcer.textContent = `${r.reference} added on a later page`;
      }
    }
    drawTable();
  }

  function drawLater(): void {
    const n = laterNew.length;
    replaceChildren(later, n === 0 ? null : h("div.govuk-inset-text",
      `${n} new referral${n === 1 ? "" : "s"} since this page was loaded ` +
      `${n === 1 ? "belongs" : "belong"} on a later page in this order: ${laterNew.join(", ")}.`));
  }

  function drawPager(): void {
    const links: HTMLElement[] = [];
    if (page > 0) {
      links.push(h("div.govuk-pagination__prev", h("a.govuk-link.govuk-pagination__link#previous-page",
        { href: "#", rel: "prev", onclick: (e: Event) => { e.preventDefault(); page--; reload(tokens[page], true); } },
        h("span.govuk-pagination__link-title", "Previous page"))));
    }
    if (nextToken) {
      links.push(h("div.govuk-pagination__next", h("a.govuk-link.govuk-pagination__link#next-page",
        { href: "#", rel: "next", onclick: (e: Event) => { e.preventDefault(); page++; tokens[page] = nextToken; reload(nextToken, true); } },
        h("span.govuk-pagination__link-title", "Next page"))));
    }
    replaceChildren(pager, links);
    pager.hidden = links.length === 0;
  }

  // Watches, waits for the watch to be live, lists the page, then applies
  // events until the screen closes or the stream ends (then reconnects).
  async function load(token: string, keepPage = false): Promise<void> {
    loadRun?.abort();
    const run = new AbortController();
    loadRun = run;
    signal.addEventListener("abort", () => run.abort(), { once: true, signal: run.signal });
    if (!keepPage) { page = 0; tokens = [""]; }
    fresh.clear();
    selected.clear();
    laterNew = [];
    drawLater();
    live.textContent = "Connecting…";
    let markLive: () => void = () => {};
    let markNotLive: () => void = () => {};
    const isLive = new Promise<boolean>((resolve) => {
      markLive = () => resolve(true);
      markNotLive = () => resolve(false);
      setTimeout(() => resolve(false), LIVE_WAIT_MS);
    });
    // Events that arrive while the list is on its way wait for it, then
    // apply on top of it.
    let held: { r: Referral; kind: "new" | "updated" }[] | null = [];
    const canWatch = may("Referrals/WatchReferrals");
    if (canWatch) {
      (async () => {
        const stream = referrals.watchReferrals(
            watchRequest(query),
            { signal: run.signal, timeoutMs: 0,
              onHeader: (headers) => { if (headers.get("safeguard-watch") === "live") markLive(); } });
        for await (const event of stream) {
          if (!event.referral) continue;
          const kind = event.type === ReferralEvent_Type.CREATED ? "new" : "updated";
          if (held) held.push({ r: event.referral, kind }); else upsert(event.referral, kind);
        }
      })().catch(() => {}).finally(() => {
        markNotLive();
        if (run.signal.aborted || loadRun !== run) return;
        live.textContent = "Not live: the connection was lost. Reconnecting…";
        setTimeout(() => { if (loadRun === run && !run.signal.aborted) reload(tokens[page], true); },
                   RECONNECT_MS);
      });
    }
    const liveNow = canWatch ? await isLive : false;
    if (run.signal.aborted) return;
    const response = await referrals.listReferrals(pageRequest(query, token), { signal: run.signal });
    if (run.signal.aborted) return;
    rows = response.referrals;
    nextToken = response.nextPageToken;
    const waiting = held ?? [];
    held = null;
    for (const { r, kind } of waiting) upsert(r, kind);
    drawTable();
    drawPager();
    live.textContent = liveNow ? "Live: new and changed referrals appear here as they happen."
                               : "Not live: reload the page to see changes.";
  }

  // A load started by the user (filters, paging) or a reconnection: a
  // failure is shown on the page.
  function reload(token: string, keepPage: boolean): void {
    clearProblems(main);
    load(token, keepPage).catch((e) => {
      // A load replaced by a newer one is cancelled: not a problem.
      if (!signal.aborted && problemFrom(e).code !== Code.Canceled) showProblem(main, problemFrom(e));
    });
  }

  // The screen is drawn; its rows follow (the heading takes focus now, not
  // when they arrive, which would pull focus back from where the user is).
  reload("", false);
}
