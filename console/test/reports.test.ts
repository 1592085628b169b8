// Reports in the browser: the periods offered from today, and the report
// as CSV (what it is, then a section a table) and its file name.
import "./browser_stub";

import assert from "node:assert/strict";
import { test } from "node:test";

import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";

import { CellStatus, ReportSchema } from "../gen/safeguard/v1/reports_pb";
import { GetServerInfoResponseSchema } from "../gen/safeguard/v1/server_info_pb";
import { partialDate } from "../src/format";
import { periods } from "../src/periods";
import { reportCsv, reportFileName, suppressionWords } from "../src/reports";
import { setSession } from "../src/session";

const PERIODS: { today: { year: number; month: number }; want: string[] }[] = [
  { today: { year: 2026, month: 12 }, want: [
    "1 October 2026 to 31 December 2026", "1 July 2026 to 30 September 2026",
    "1 April 2026 to 31 March 2027", "1 April 2025 to 31 March 2026"] },
  { today: { year: 2027, month: 2 }, want: [
    "1 January 2027 to 31 March 2027", "1 October 2026 to 31 December 2026",
    "1 April 2026 to 31 March 2027", "1 April 2025 to 31 March 2026"] },
  { today: { year: 2028, month: 4 }, want: [
    "1 April 2028 to 30 June 2028", "1 January 2028 to 31 March 2028",
    "1 April 2028 to 31 March 2029", "1 April 2027 to 31 March 2028"] },
];

for (const c of PERIODS) {
  test(`periods: from ${c.today.month}/${c.today.year}, this and last quarter and financial year`, () => {
    const got = periods(c.today);
    assert.deepEqual(got.map((p) => p.label),
                     ["This quarter", "Last quarter", "This financial year", "Last financial year"]);
    assert.deepEqual(got.map((p) => `${partialDate(p.start)} to ${partialDate(p.end)}`), c.want);
  });
}

const REPORT = create(ReportSchema, {
  report: "reports/overview", title: "Referrals, outcomes and timeliness",
  startDate: { year: 2026, month: 10, day: 1 }, endDate: { year: 2026, month: 12, day: 31 },
  area: "mid-suffolk", createTime: timestampFromDate(new Date("2026-12-18T09:05:00Z")),
  threshold: 5, suppressed: true,
  tables: [
    { id: "received_by_month", title: "Referrals received by month", rowHeader: "Month", chart: "line",
      columns: [{ label: "MARAC", unit: "count" }, { label: "Total", unit: "count", total: true }],
      rows: [
        { label: "2026-12", cells: [{ status: CellStatus.FEWER_THAN_THRESHOLD, display: "fewer than 5" },
                                    { status: CellStatus.SHOWN, value: 12, display: "12" }] },
        { label: "Total", total: true, cells: [{ status: CellStatus.SUPPRESSED, display: "suppressed" },
                                               { status: CellStatus.SHOWN, value: 12, display: "12" }] }] },
    { id: "rates", title: "Repeat rate and cases per 10,000", rowHeader: "Cases, \"heard\"", note: "=A note",
      columns: [{ label: "Rate", unit: "percent" }],
      rows: [{ label: "Cases heard", cells: [{ status: CellStatus.SHOWN, value: 41.7, display: "41.7%" }] }] },
  ],
});

test("reportCsv: what the report is, then each table's title, header, rows and note", () => {
  setSession(create(GetServerInfoResponseSchema, { caller: { agency: "a", principal: "person/p" }, timeZone: "Europe/London" }));
  assert.equal(reportCsv(REPORT), [
    "Report,\"Referrals, outcomes and timeliness\"",
    "Period,1 October 2026 to 31 December 2026",
    "Area,mid-suffolk",
    "Made,\"18 December 2026, 09:05\"",
    `Small numbers,"${suppressionWords(REPORT).replace(/"/g, '""')}"`,
    "",
    "Referrals received by month",
    "Month,MARAC,Total",
    "2026-12,fewer than 5,12",
    "Total,suppressed,12",
    "",
    "\"Repeat rate and cases per 10,000\"",
    "\"Cases, \"\"heard\"\"\",Rate",
    "Cases heard,41.7%",
    "'=A note",
    "",
  ].join("\r\n"));
});

test("suppressionWords: the threshold, or that nothing is suppressed", () => {
  assert.match(suppressionWords(REPORT), /^A count from 1 to 4 is shown as "fewer than 5"/);
  assert.match(suppressionWords(create(ReportSchema, { suppressed: false })), /Not for publication/);
});

test("reportFileName: the report, its dates and area, and whether it is unsuppressed", () => {
  assert.equal(reportFileName(REPORT, "csv"), "safeguard-overview-2026-10-01-to-2026-12-31-mid-suffolk.csv");
  assert.equal(reportFileName(create(ReportSchema, { ...REPORT, area: "", suppressed: false }), "json"),
               "safeguard-overview-2026-10-01-to-2026-12-31-unsuppressed.json");
});
