// An agency's action plan worklist: the actions its representatives own
// that are still outstanding (open or not done), earliest due first, the
// overdue ones marked; each with a form to record it done, not possible or
// not done (the last two with a reason), sent with the version read. The
// meeting's organiser, who may update any action, sees every agency's and
// may filter by one.
import { Code } from "@connectrpc/connect";

import { type Action, ActionStatus } from "../../gen/safeguard/v1/meetings_pb";
import { problemFrom } from "../api";
import { h, replaceChildren } from "../dom";
import { partialDate, when } from "../format";
import { actionStatusTags, meetingId, meetings } from "../meetings";
import * as read from "../read";
import { may, session } from "../session";
import {
  banner, button, choices, clearProblems, link, scopeIds, showProblem, summaryList, textArea, textInput,
} from "../ui";

const STATUSES: [string, string][] = [
  [String(ActionStatus.ACTION_DONE), "Done"],
  [String(ActionStatus.ACTION_NOT_POSSIBLE), "Not possible"],
  [String(ActionStatus.ACTION_NOT_DONE), "Not done"],
];

export async function showActions(main: HTMLElement, _args: string[], signal: AbortSignal): Promise<void> {
  const agency = session().info.caller!.agency;
  // The organiser may update any action; a representative only its agency's.
  const organiser = may("Meetings/CreateAction");
  let ownerAgency = organiser ? "" : agency;
  const notices = h("div#actions-notices");
  const list = h("div#actions-list");
  const intro = h("p.govuk-body#actions-intro");
  const filters = organiser ? <HTMLFormElement>h("form.app-filters", { novalidate: true, "aria-label": "Filter the actions" },
    textInput("owner_agency", "Owning agency", { hint: "For example suffolk-police; empty for every agency", width: "20" }),
    h("div.govuk-form-group", button("Apply filter", { id: "actions-filter" }, true))) : null;
  filters?.addEventListener("submit", (e) => {
    e.preventDefault();
    ownerAgency = read.text(filters!, "owner_agency");
    run();
  });
  replaceChildren(main,
    h("h1.govuk-heading-l", organiser ? "Actions" : "Your agency's actions"),
    notices, intro, filters, list);

  let actions: Action[] = [];

  const load = async (): Promise<void> => {
    const all: Action[] = [];
    let token = "";
    // An agency's outstanding actions are few: every page is read, so the
    // list is whole and in due-date order.
    do {
      const response = await meetings.listActions({ pageSize: 100, pageToken: token,
        filter: { ownerAgency, outstandingOnly: true } }, { signal });
      all.push(...response.actions);
      token = response.nextPageToken;
    } while (token && all.length < 1000);
    actions = all;
    intro.textContent = `Outstanding actions${ownerAgency ? ` owned by ${ownerAgency}` : " of every agency"}, ` +
        `earliest due first: ${actions.length}.`;
    replaceChildren(list, actions.length ? actions.map(actionCard)
                                         : h("p.govuk-body#actions-empty", "No outstanding actions."));
  };
  const run = () => {
    clearProblems(main);
    load().catch((e) => { if (!signal.aborted) showProblem(main, problemFrom(e)); });
  };

  function actionCard(a: Action): HTMLElement {
    const id = a.name.replace(/^actions\//, "");
    const titleId = `action-${id}`;
    const form = scopeIds(<HTMLFormElement>h("form", { novalidate: true, "data-form": "update-action" },
      choices("radios", "status", "Record progress", STATUSES, { inline: true }),
      textArea("status_reason", "Why", { hint: "Required if it was not possible or not done." }),
      button("Update action", { class: "app-update-action", "aria-describedby": titleId })), id);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      clearProblems(main);
      notices.replaceChildren();
      const status = Number(read.text(form, "status")) as ActionStatus;
      try {
        const updated = await meetings.updateAction({ name: a.name, status,
          statusReason: read.text(form, "status_reason"), version: a.version }, { signal });
        await load();
        const words = STATUSES.find(([v]) => v === String(updated.status))?.[1] ?? "";
        notices.append(banner(`Action updated: ${updated.description} is now recorded as ${words.toLowerCase()}.`,
                              "success"));
        notices.querySelector<HTMLElement>(".govuk-notification-banner")?.focus();
      } catch (err) {
        if (signal.aborted) return;
        const problem = problemFrom(err);
        if (problem.code === Code.Aborted) {
          // Someone else changed it: show it as it is now, and say so.
          try { await load(); } catch { /* the message below still stands */ }
          showProblem(main, { ...problem, message:
              "This action was changed by someone else. It has been reloaded: check it and try again." });
        } else {
          showProblem(form, problem);
        }
      }
    });
    return h("article.app-action", { "data-name": a.name, "aria-labelledby": titleId },
      h("h2.govuk-heading-m", { id: titleId }, a.description),
      summaryList([
        ["Owner", `${a.ownerAgency}${a.owner ? `: ${a.owner}` : ""}`],
        ["Due", [partialDate(a.dueDate), " ", ...actionStatusTags(a.status, a.overdue).slice(1)]],
        ["Status", [actionStatusTags(a.status, false)[0],
                    a.statusReason ? h("p.govuk-body-s", `Why: ${a.statusReason}`) : null]],
        ["Agreed at", link(`#/meetings/${meetingId(a.meeting)}`, `the meeting of ${a.area}`)],
        ["Last changed", `${when(a.updateTime || a.createTime)}${a.updatedBy ? ` by ${a.updatedBy}` : ""}`],
      ]),
      form);
  }

  await load();
}
