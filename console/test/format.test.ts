// The console's words for deadlines, dates and states: table-driven, in
// the partnership's zone and calendar as the server would report them.
import assert from "node:assert/strict";
import { test } from "node:test";

import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";

import { GetServerInfoResponseSchema } from "../gen/safeguard/v1/server_info_pb";
import { deadlineTag, identifierWords, matchReasonWords, partialDate, valueWords, when, words } from "../src/format";
import { setSession } from "../src/session";

// The same calendar twice: with the zone's offsets from the server (the
// console's own arithmetic), and without (the browser's Intl zone data).
const BANK_HOLIDAYS = [{ year: 2026, month: 12, day: 25 }, { year: 2026, month: 12, day: 28 }];
const SESSIONS = {
  "by the server's zone offsets": create(GetServerInfoResponseSchema, {
    caller: { agency: "a", principal: "person/p" },
    timeZone: "Europe/London",
    bankHolidays: BANK_HOLIDAYS,
    zoneOffsets: [
      { from: timestampFromDate(new Date("2025-10-26T01:00:00Z")), utcOffsetSeconds: 0 },
      { from: timestampFromDate(new Date("2026-03-29T01:00:00Z")), utcOffsetSeconds: 3600 },
      { from: timestampFromDate(new Date("2026-10-25T01:00:00Z")), utcOffsetSeconds: 0 },
    ],
  }),
  "by the browser's zone data": create(GetServerInfoResponseSchema, {
    caller: { agency: "a", principal: "person/p" },
    timeZone: "Europe/London",
    bankHolidays: BANK_HOLIDAYS,
  }),
};

const FRIDAY = new Date("2026-12-18T10:00:00Z");  // London is on UTC in winter

const CASES: { name: string; now: Date; deadline?: string; want?: [string, string] }[] = [
  { name: "no deadline", now: FRIDAY },
  { name: "later today", now: FRIDAY, deadline: "2026-12-18T16:00:00Z", want: ["due today at 16:00", "orange"] },
  { name: "passed earlier today", now: FRIDAY, deadline: "2026-12-18T09:00:00Z", want: ["overdue since 09:00", "red"] },
  { name: "passed two days ago", now: FRIDAY, deadline: "2026-12-16T12:00:00Z", want: ["overdue 2 days", "red"] },
  { name: "passed yesterday", now: FRIDAY, deadline: "2026-12-17T23:00:00Z", want: ["overdue 1 day", "red"] },
  { name: "tomorrow, a Saturday", now: FRIDAY, deadline: "2026-12-19T12:00:00Z", want: ["due tomorrow at 12:00", "yellow"] },
  { name: "Monday: one working day", now: FRIDAY, deadline: "2026-12-21T12:00:00Z", want: ["due in 1 working day", "yellow"] },
  { name: "past Christmas: bank holidays skipped", now: FRIDAY, deadline: "2026-12-29T12:00:00Z", want: ["due in 5 working days", "grey"] },
  { name: "summer time: 22:30 UTC is 23:30 the same day in London", now: new Date("2026-07-01T10:00:00Z"),
    deadline: "2026-07-01T22:30:00Z", want: ["due today at 23:30", "orange"] },
  { name: "summer time: 23:30 UTC is already tomorrow in London", now: new Date("2026-07-01T10:00:00Z"),
    deadline: "2026-07-01T23:30:00Z", want: ["due tomorrow at 00:30", "yellow"] },
];

for (const [how, info] of Object.entries(SESSIONS)) {
  for (const c of CASES) {
    test(`deadlineTag ${how}: ${c.name}`, () => {
      setSession(info);
      const tag = deadlineTag(c.deadline ? timestampFromDate(new Date(c.deadline)) : undefined, c.now);
      assert.deepEqual(tag ? [tag.text, tag.colour] : undefined, c.want);
    });
  }
  test(`when ${how}: the day and the time in London`, () => {
    setSession(info);
    assert.deepEqual(
      ["2026-12-18T09:05:00Z", "2026-07-01T23:30:00Z", "2026-03-29T00:59:00Z", "2026-03-29T01:00:00Z"]
          .map((t) => when(timestampFromDate(new Date(t)))),
      ["18 December 2026, 09:05", "2 July 2026, 00:30", "29 March 2026, 00:59", "29 March 2026, 02:00"]);
  });
}

// Within the offsets the server sent, they decide, not the browser's zone
// data: a zone the server says is five and a half hours ahead is shown so,
// whatever its name.
test("when: by the server's offsets, not the browser's zone data", () => {
  setSession(create(GetServerInfoResponseSchema, {
    caller: { agency: "a", principal: "person/p" },
    timeZone: "Europe/London",
    zoneOffsets: [{ from: timestampFromDate(new Date("2026-01-01T00:00:00Z")), utcOffsetSeconds: 19800 }],
  }));
  assert.equal(when(timestampFromDate(new Date("2026-07-01T20:00:00Z"))), "2 July 2026, 01:30");
});

// Outside the server's offsets (before the first; more than a year from
// now), the browser's zone data answers.
test("when: times outside the server's offsets", () => {
  setSession(SESSIONS["by the server's zone offsets"]);
  assert.equal(when(timestampFromDate(new Date("2025-07-01T12:00:00Z"))), "1 July 2025, 13:00");
  // Noon in a July more than a year ahead: summer time, where the last
  // offset sent (winter) would be wrong.
  const year = new Date(Date.now() + 400 * 86400000).getUTCFullYear() + 1;
  assert.equal(when(timestampFromDate(new Date(Date.UTC(year, 6, 1, 12)))), `1 July ${year}, 13:00`);
});

test("partialDate: year, month and year, full date", () => {
  assert.deepEqual(
    [{ year: 1990, month: 0, day: 0 }, { year: 1990, month: 3, day: 0 }, { year: 1990, month: 3, day: 14 }]
        .map((d) => partialDate(d as never)),
    ["1990", "March 1990", "14 March 1990"]);
});

test("words: states and actions in sentence case, acronyms kept", () => {
  assert.deepEqual(
    ["RG_PENDING", "record_rg_decision", "COORDINATOR_SCREEN", "ES_FLAG_SET", "review_vaf"].map(words),
    ["RG pending", "Record RG decision", "Coordinator screen", "ES flag set", "Review VAF"]);
});

test("valueWords: enum values in words, those that read badly alone said in full", () => {
  assert.deepEqual(
    ["SUBJECT", "PARENT_OR_GUARDIAN", "LOCAL_AUTHORITY", "LACKS_CAPACITY", "WITHDRAWN", "DPA_2018_SCH1_PARA18"]
        .map(valueWords),
    ["The person themselves", "Parent or guardian", "Local authority (parental responsibility)",
     "Lacks capacity", "Withdrawn", "DPA 2018 SCH1 PARA18"]);
});

test("valueWords: a MARAC victim's equality monitoring in words", () => {
  assert.deepEqual(["AGE_16_17", "AGE_65_OR_OVER", "FEMALE", "MIXED", "OTHER_ETHNIC_GROUP", "ANSWER_PREFER_NOT_TO_SAY"]
      .map(valueWords),
    ["16 to 17", "65 or over", "Female", "Mixed or multiple ethnic groups", "Other ethnic group", "Prefer not to say"]);
});

test("identifierWords: a person's identifiers by their number or JSON name", () => {
  assert.deepEqual([1, 2, "NHS_NUMBER", "PNC_ID", 0].map(identifierWords),
                   ["NHS number", "PNC id", "NHS number", "PNC id", "Identifier"]);
  assert.deepEqual(["NHS_NUMBER", "PNC_ID"].map(valueWords), ["NHS number", "PNC id"]);
});

test("matchReasonWords: why two people may be the same, in words", () => {
  assert.deepEqual(
    ["same_name", "nickname", "alias", "date_of_birth_at_precision", "same_identifier", "something_new"]
        .map(matchReasonWords),
    ["same name", "nickname", "other name", "date of birth agrees as far as known", "same NHS number or PNC id",
     "something new"]);
});
