// Reports (safeguard.v1.Reports): the partnership's figures for a period
// and an area, from the reports the server defines. Each table is drawn as
// a table (the figures as the server decided them, small numbers
// suppressed) and, where the server says so, as a chart of the figures
// shown. The report downloads as CSV or JSON, made in the browser. The
// analyst may ask for every figure, with a written reason the audit log
// keeps: that report is marked as not for publication.
import { create } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import type { Chart } from "chart.js";

import {
  CellStatus, type Report, type ReportDefinition, type ReportTable, RunReportRequestSchema,
} from "../../gen/safeguard/v1/reports_pb";
import { problemFrom } from "../api";
import { tableChart } from "../charts";
import { h, replaceChildren } from "../dom";
import { today, when } from "../format";
import { periods } from "../periods";
import * as read from "../read";
import {
  areaWords, download, periodWords, reportCsv, reportFileName, reportJson, reports, suppressionWords,
} from "../reports";
import { may, session } from "../session";
import { button, choices, clearProblems, dateInput, select, showProblem, summaryList, textArea } from "../ui";

const DATE_HINT = "For example, 1 4 2026.";

export async function showReports(main: HTMLElement, _args: string[], signal: AbortSignal): Promise<void> {
  const { definitions } = await reports.listReportDefinitions({}, { signal });
  const presets = periods(today());
  const mayAll = may("Reports/RunUnsuppressedReport");
  const results = h("div#report-results");
  // The charts drawn, to end when the report is replaced or the user
  // moves on.
  let charts: Chart[] = [];
  const endCharts = () => { charts.forEach((c) => c.destroy()); charts = []; };
  signal.addEventListener("abort", endCharts, { once: true });

  const custom = h("div.govuk-radios__conditional#custom-period", { hidden: true },
    dateInput("start_date", "From", DATE_HINT), dateInput("end_date", "To (included)", DATE_HINT));
  const period = choices("radios", "period", "Period", [
    ...presets.map((p): [string, string] => [p.id, `${p.label}: ${periodWords(p.start, p.end)}`]),
    ["custom", "Other dates"]], { legendClass: "govuk-fieldset__legend--m" });
  period.querySelector(".govuk-radios")!.append(custom);
  period.querySelector<HTMLInputElement>('input[value="custom"]')!.setAttribute("aria-controls", "custom-period");
  const isCustom = () => read.text(form, "period") === "custom";
  period.addEventListener("change", () => { custom.hidden = !isCustom(); });

  const reason = h("div.govuk-checkboxes__conditional#every-figure-reason", { hidden: true },
    textArea("reason", "Why do you need every figure?", {
      hint: "At least 10 characters. Say what the figures are for. Your reason is kept in the audit log." }));
  const everyFigure = mayAll ? choices("checkboxes", "every_figure", "Small numbers", [["true", "Show every figure"]], {
    hint: "Small numbers are suppressed unless you ask for every figure. A report with every figure is for the " +
          "partnership's own analysis and is not for publication.", legendClass: "govuk-fieldset__legend--m" }) : null;
  if (everyFigure) {
    everyFigure.querySelector(".govuk-checkboxes")!.append(reason);
    everyFigure.querySelector("input")!.setAttribute("aria-controls", "every-figure-reason");
    everyFigure.addEventListener("change", () => { reason.hidden = !read.flag(form, "every_figure"); });
  }

  const form = <HTMLFormElement>h("form", { novalidate: true, "aria-label": "Choose a report" },
    reportChoice(definitions), period,
    select("area", "Area", [["", "The whole partnership"], ...session().info.areas.map((a): [string, string] => [a, a])]),
    everyFigure,
    button("Run the report", { id: "run-report" }));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearProblems(main);
    const bad: read.Violations = [];
    const report = read.text(form, "report");
    if (!report) bad.push({ field: "report", description: "choose a report" });
    const chosen = read.text(form, "period");
    const preset = presets.find((p) => p.id === chosen);
    if (!chosen) bad.push({ field: "period", description: "choose a period" });
    const startDate = preset ? preset.start : isCustom() ? read.date(form, "start_date", bad) : undefined;
    const endDate = preset ? preset.end : isCustom() ? read.date(form, "end_date", bad) : undefined;
    if (bad.length) {
      showProblem(main, { code: Code.InvalidArgument, message: "Some answers need correcting.", fields: bad });
      return;
    }
    const request = create(RunReportRequestSchema, { report, startDate, endDate, area: read.text(form, "area") });
    const all = mayAll && read.flag(form, "every_figure");
    const run = form.querySelector<HTMLButtonElement>("#run-report")!;
    run.disabled = true;
    try {
      const r = all ? await reports.runUnsuppressedReport({ request, reason: read.text(form, "reason") }, { signal })
                    : await reports.runReport(request, { signal });
      endCharts();
      const draws = drawReport(results, r);
      charts = draws.map((draw) => draw());
      results.querySelector<HTMLElement>("h2")?.focus();
    } catch (err) {
      if (signal.aborted) return;
      endCharts();
      replaceChildren(results);
      // The unsuppressed report's request is inside it ("request.area");
      // a preset's dates are the period's.
      const problem = problemFrom(err);
      problem.fields = problem.fields.map((v) => {
        const field = v.field.replace(/^request\./, "");
        return { ...v, field: !isCustom() && /^(start|end)_date$/.test(field) ? "period" : field };
      });
      showProblem(main, problem);
    } finally {
      run.disabled = false;
    }
  });
  replaceChildren(main,
    h("h1.govuk-heading-l", "Reports"),
    h("p.govuk-body", "The partnership's figures for a period, counted from every referral's states and history " +
                      "(not only the referrals you may read). Small numbers are suppressed, so that no one can be " +
                      "identified from them."),
    form, results);
}

// The reports the server defines, each with what it holds.
function reportChoice(definitions: ReportDefinition[]): HTMLElement {
  const field = choices("radios", "report", "Report", definitions.map((d): [string, string] => [d.name, d.title]),
                        { legendClass: "govuk-fieldset__legend--m" });
  field.querySelectorAll(".govuk-radios__item").forEach((item, i) => {
    const input = item.querySelector("input")!;
    const hint = h("div.govuk-hint.govuk-radios__hint", { id: `${input.id}-hint` }, definitions[i].description);
    input.setAttribute("aria-describedby", hint.id);
    item.append(hint);
  });
  return field;
}

// Draws the report into `holder`; returns what draws its charts, to call
// once they are on the page.
function drawReport(holder: HTMLElement, r: Report): (() => Chart)[] {
  const draws: (() => Chart)[] = [];
  const sections = r.tables.map((t) => tableSection(t, draws));
  replaceChildren(holder,
    h("h2.govuk-heading-l#report-title", { tabindex: "-1" }, r.suppressed ? r.title : `${r.title}: every figure`),
    r.suppressed ? null : h("div.app-unsuppressed#unsuppressed",
      h("div.govuk-warning-text",
        h("span.govuk-warning-text__icon", { "aria-hidden": "true" }, "!"),
        h("strong.govuk-warning-text__text", h("span.govuk-visually-hidden", "Warning"),
          "Unsuppressed: every figure is shown, small numbers included. Not for publication: use it only for the " +
          "analysis you gave as your reason, and publish only a suppressed report."))),
    summaryList([
      ["Period", periodWords(r.startDate, r.endDate)],
      ["Area", areaWords(r.area)],
      ["Made", when(r.createTime)],
      ["Small numbers", r.suppressed ? `Suppressed below ${r.threshold}` : "Not suppressed"],
    ]),
    r.suppressed ? h("div.govuk-inset-text#suppression", suppressionWords(r)) : null,
    h("div.govuk-button-group",
      h("button.govuk-button.govuk-button--secondary#download-csv", {
        type: "button", "data-module": "govuk-button",
        onclick: () => download(reportFileName(r, "csv"), "text/csv", reportCsv(r)),
      }, "Download CSV", h("span.govuk-visually-hidden", " (a spreadsheet of every table)")),
      h("button.govuk-button.govuk-button--secondary#download-json", {
        type: "button", "data-module": "govuk-button",
        onclick: () => download(reportFileName(r, "json"), "application/json", reportJson(r)),
      }, "Download JSON", h("span.govuk-visually-hidden", " (the report as the API gives it)"))),
    sections);
  return draws;
}

// A table's heading, how it is counted, its chart if it has one, and its
// figures.
function tableSection(t: ReportTable, draws: (() => Chart)[]): HTMLElement {
  const chart = t.chart ? tableChart(t) : null;
  if (chart) draws.push(chart.draw);
  const titleId = `table-${t.id}-title`;
  const numeric = "govuk-table__header--numeric";
  return h("section.app-report-table", { id: `table-${t.id}`, "aria-labelledby": titleId },
    h("h3.govuk-heading-m", { id: titleId }, t.title),
    t.note ? h("p.govuk-body", t.note) : null,
    chart?.element ?? null,
    h("table.govuk-table",
      h("caption.govuk-table__caption.govuk-visually-hidden", t.title),
      h("thead.govuk-table__head", h("tr.govuk-table__row",
        h("th.govuk-table__header", { scope: "col" }, t.rowHeader),
        t.columns.map((c) => h("th.govuk-table__header", { scope: "col", class: [numeric, c.total ? "app-total" : ""].join(" ") },
                               c.label)))),
      h("tbody.govuk-table__body", t.rows.map((row) => h("tr.govuk-table__row", { class: row.total ? "app-total-row" : null },
        h("th.govuk-table__header", { scope: "row" }, row.label),
        row.cells.map((cell, i) => h("td.govuk-table__cell.govuk-table__cell--numeric", {
          class: t.columns[i]?.total ? "app-total" : null, "data-status": CellStatus[cell.status],
        }, cell.display)))))));
}
