// People across referrals (safeguard.v1.People): the search, which needs a
// written reason (kept in the audit log with the records found), and a
// person record: what the referrals the caller may read say of the person,
// every referral that names them (the others by their envelope only), the
// records that may be the same person, each confirmed ("Same person": a
// merge into this record, with the version read) or rejected, the records
// merged into this one (each merge can be undone), and, for a record merged
// into another, where it went. After each change the record is read again.
import { create } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";

import {
  type PersonCandidate, type PersonMention, type PersonRecord, type SearchPeopleRequest,
  SearchPeopleRequestSchema,
} from "../../gen/safeguard/v1/people_pb";
import { PersonIdentifierType } from "../../gen/safeguard/v1/referral_pb";
import { type Child, h, replaceChildren } from "../dom";
import { dayOf, identifierWords, isoTime, kindWords, matchReasonWords, namedAsWords, partialDate,
         personWords, when, words } from "../format";
import { identifierInputs, readIdentifiers } from "../identifiers";
import { mentionSentence, people, personId, personProblem } from "../people";
import * as read from "../read";
import { may } from "../session";
import { banner, button, clearProblems, dateInput, link, showProblem, summaryList, textArea,
         textInput } from "../ui";
import { referralId } from "./worklist";

// As many records as a search may return.
const PAGE_SIZE = 20;

const DOB_HINT = "For example, 27 3 1990. A year alone, or a month and year, will do.";

// The last search and what it found, kept in memory only while the page is
// open, so that coming back from a record shows them again (without
// searching, and so auditing, twice).
let last: { request: SearchPeopleRequest; found: PersonCandidate[] } | undefined;

// "85 of 100: same name, same date of birth".
function matchWords(c: { score: number; reasons: string[] }): string {
  return `${c.score} of 100${c.reasons.length ? `: ${c.reasons.map(matchReasonWords).join(", ")}` : ""}`;
}

function mentionList(mentions: PersonMention[]): HTMLElement {
  return h("ul.govuk-list", mentions.map((m) => h("li", mentionSentence(m))));
}

// ---- The search ----------------------------------------------------------------

export async function showSearch(main: HTMLElement, _args: string[], signal: AbortSignal): Promise<void> {
  const results = h("div#people-results");
  const before = last?.request;
  const form = <HTMLFormElement>h("form", { novalidate: true, "aria-label": "Search for a person" },
    textInput("full_name", "Full name", {
      value: before?.fullName,
      hint: "With a date of birth, other names, nicknames and spellings are found too. A name alone finds only " +
            "people with the same name." }),
    dateInput("date_of_birth", "Date of birth (optional)", DOB_HINT, before?.dateOfBirth),
    identifierInputs("", "", before?.identifiers),
    textArea("reason", "Why are you searching?", {
      value: before?.reason,
      hint: "Say what you need to know and why, for example the case you are screening. Your reason is kept in " +
            "the audit log with the records found." }),
    h("div.govuk-button-group",
      button("Search", { id: "search-people" }),
      before ? h("button.govuk-button.govuk-button--secondary#clear-search", {
        type: "button", "data-module": "govuk-button",
        onclick: () => { last = undefined; void showSearch(main, [], signal).then(() => main.querySelector<HTMLElement>("h1")?.focus()); },
      }, "Clear the search") : null));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearProblems(main);
    const bad: read.Violations = [];
    const dateOfBirth = read.date(form, "date_of_birth", bad);
    if (bad.length) {
      showProblem(main, { code: Code.InvalidArgument, message: "Some answers need correcting.", fields: bad });
      return;
    }
    const request = create(SearchPeopleRequestSchema, {
      fullName: read.text(form, "full_name"), dateOfBirth, identifiers: readIdentifiers(form, ""),
      reason: read.text(form, "reason"), pageSize: PAGE_SIZE,
    });
    const go = form.querySelector<HTMLButtonElement>("#search-people")!;
    go.disabled = true;
    try {
      const response = await people.searchPeople(request, { signal });
      last = { request, found: response.people };
      drawResults(results, response.people, request);
      results.querySelector<HTMLElement>("h2")?.focus();
    } catch (err) {
      if (!signal.aborted) {
        replaceChildren(results);
        showProblem(main, personProblem(err));
      }
    } finally {
      go.disabled = false;
    }
  });
  if (last) drawResults(results, last.found, last.request);
  replaceChildren(main,
    h("h1.govuk-heading-l", "Find a person"),
    h("p.govuk-body", "Find the person records of someone named in referrals, by a full name, an NHS number or a " +
                      "PNC id, or more than one. Each search is recorded in the audit log with your reason."),
    form, results);
}

// A name alone: every match is the same name, and the server answers the
// people mentioned last.
function byNameAlone(request: SearchPeopleRequest): boolean {
  return !request.dateOfBirth && request.identifiers.length === 0;
}

function drawResults(holder: HTMLElement, found: PersonCandidate[], request: SearchPeopleRequest): void {
  const alone = byNameAlone(request);
  if (found.length === 0) {
    replaceChildren(holder,
      h("h2.govuk-heading-m", { tabindex: "-1" }, "No records found"),
      h("p.govuk-body", alone
        ? "No person record has this name. A name alone finds only the same name: add a date of birth (a year " +
          "will do) to find nicknames and other spellings too."
        : "No person record matches these details. Try another spelling, fewer details, or the year of birth " +
          "alone."));
    return;
  }
  const n = found.length;
  replaceChildren(holder,
    h("h2.govuk-heading-m", { tabindex: "-1" }, `${n} ${n === 1 ? "record" : "records"} found`),
    h("div.govuk-inset-text",
      "These are possible matches: judge whether each is the person you are looking for before acting on it. " +
      "Open a record to see what the referrals you may read say of the person."),
    alone && n === PAGE_SIZE
      ? h("p.govuk-body#more-people", `These are the ${n} records of people with this name mentioned most ` +
                                      "recently; there may be more. Add a date of birth to narrow the search.")
      : null,
    h("table.govuk-table#people-found",
      h("caption.govuk-table__caption.govuk-table__caption--s",
        alone ? "Person records with this name, mentioned most recently first" : "Person records, most alike first"),
      h("thead.govuk-table__head", h("tr.govuk-table__row",
        h("th.govuk-table__header", { scope: "col" }, "Match"),
        h("th.govuk-table__header", { scope: "col" }, "Known to"),
        h("th.govuk-table__header", { scope: "col" }, "Person record"))),
      h("tbody.govuk-table__body", found.map((c, i) => h("tr.govuk-table__row", { "data-person": c.person },
        h("th.govuk-table__header", { scope: "row" }, matchWords(c)),
        h("td.govuk-table__cell", mentionList(c.mentions)),
        h("td.govuk-table__cell", link(`#/people/${personId(c.person)}`,
          ["Open person record", h("span.govuk-visually-hidden", ` ${i + 1} of ${n}`)])))))));
}

// ---- A person record -----------------------------------------------------------

export async function showPerson(main: HTMLElement, [id]: string[], signal: AbortSignal): Promise<void> {
  drawPerson(main, await people.getPerson({ name: `people/${id}` }, { signal }), signal);
}

function drawPerson(main: HTMLElement, p: PersonRecord, signal: AbortSignal, notice?: HTMLElement): void {
  // A change to the record (or to one merged into it), then the record
  // read again; a stale version offers the reload.
  const change = async (call: () => Promise<unknown>, done: string) => {
    clearProblems(main);
    try {
      await call();
      const fresh = await people.getPerson({ name: p.name }, { signal });
      drawPerson(main, fresh, signal, banner(done, "success"));
      main.querySelector<HTMLElement>(".govuk-notification-banner")?.focus();
    } catch (err) {
      if (signal.aborted) return;
      const problem = personProblem(err);
      showProblem(main, problem);
      if (problem.code === Code.Aborted) {
        main.querySelector(".govuk-error-summary__body")?.append(
          h("button.govuk-button.govuk-button--secondary#reload-person", { type: "button", onclick: async () => {
            try {
              drawPerson(main, await people.getPerson({ name: p.name }, { signal }), signal);
              main.querySelector<HTMLElement>("h1")?.focus();
            } catch (e) {
              if (!signal.aborted) showProblem(main, personProblem(e));
            }
          } }, "Reload the person record"));
      }
    }
  };
  const mayUnmerge = may("People/UnmergePerson");
  replaceChildren(main,
    notice ?? null,
    h("span.govuk-caption-l", "People across referrals"),
    h("h1.govuk-heading-l", { tabindex: "-1" }, "Person record"),
    p.mergedInto ? h("div.govuk-inset-text#merged-into",
      h("p.govuk-body", "This record was merged into another person record, which holds the referrals it named."),
      h("p.govuk-body", link(`#/people/${personId(p.mergedInto)}`, "Open the record it was merged into")),
      mayUnmerge ? h("button.govuk-button.govuk-button--secondary#undo-merged-into", {
        type: "button", class: "govuk-!-margin-bottom-0", "data-module": "govuk-button",
        onclick: () => change(() => people.unmergePerson({ name: p.name }, { signal }),
                              "Merge undone: this record holds the referrals it named again."),
      }, "Undo merge") : null) : null,
    factsSection(p),
    mentionsSection(p),
    p.mergedInto ? null : candidatesSection(p, signal, change),
    mergedSection(p, signal, change, mayUnmerge),
    rejectedSection(p));
}

type Change = (call: () => Promise<unknown>, done: string) => Promise<void>;

// What the referrals the caller may read say of the person.
function factsSection(p: PersonRecord): HTMLElement {
  const list = (values: string[]) => (values.length === 1 ? values[0]
      : h("ul.govuk-list", { class: "govuk-!-margin-bottom-0" }, values.map((v) => h("li", v))));
  const facts: [string, Child][] = [];
  if (p.fullNames.length) facts.push(["Full names", list(p.fullNames)]);
  if (p.aliases.length) facts.push(["Other names", list(p.aliases)]);
  if (p.datesOfBirth.length) facts.push(["Dates of birth", list(p.datesOfBirth.map(partialDate))]);
  for (const type of [PersonIdentifierType.NHS_NUMBER, PersonIdentifierType.PNC_ID]) {
    const values = p.identifiers.filter((i) => i.type === type).map((i) => i.value);
    if (values.length) facts.push([identifierWords(type), list(values)]);
  }
  return h("section#person-facts", { "aria-labelledby": "person-facts-title" },
    h("h2.govuk-heading-m#person-facts-title", "What the referrals you may read say"),
    facts.length ? summaryList(facts)
      : h("p.govuk-body", "None of the referrals you may read names this person, so no names, dates of birth or " +
                          "identifiers are shown."));
}

// Every referral that names the person, newest first: those the caller may
// read linked, the others by their envelope alone.
function mentionsSection(p: PersonRecord): HTMLElement {
  const cells = (m: PersonMention) => {
    const named = m.path ? personWords(m.kind, m.path) : namedAsWords(m.kind, m.namedAs);
    return [
      h("th.govuk-table__header", { scope: "row" }, kindWords(m.kind)),
      h("td.govuk-table__cell", named.charAt(0).toUpperCase() + named.slice(1)),
      h("td.govuk-table__cell", m.referringAgency),
      h("td.govuk-table__cell", m.createTime ? h("time", { datetime: isoTime(m.createTime) }, dayOf(m.createTime)) : ""),
      h("td.govuk-table__cell", words(m.state)),
      h("td.govuk-table__cell", m.referral
        ? link(`#/referrals/${referralId(m.referral)}`,
               ["Open the referral", h("span.govuk-visually-hidden", ` (${kindWords(m.kind)}, from ${m.referringAgency})`)])
        : "You cannot open this referral"),
    ];
  };
  return h("section#person-mentions", { "aria-labelledby": "person-mentions-title" },
    h("h2.govuk-heading-m#person-mentions-title", "Where this person is named"),
    p.mentions.length === 0
      ? h("p.govuk-body", p.mergedInto ? "No referral: they are in the record this one was merged into."
                                       : "No referral names this person now.")
      : h("table.govuk-table",
          h("caption.govuk-table__caption.govuk-table__caption--s", "Referrals naming this person, newest first"),
          h("thead.govuk-table__head", h("tr.govuk-table__row",
            ["Kind", "Names them as", "From", "Received", "State", "Referral"].map((t) =>
              h("th.govuk-table__header", { scope: "col" }, t)))),
          h("tbody.govuk-table__body", p.mentions.map((m) =>
            h("tr.govuk-table__row", { "data-referral": m.referral || null }, cells(m))))));
}

// The records that may be the same person, each with the coordinator's
// decision.
function candidatesSection(p: PersonRecord, signal: AbortSignal, change: Change): HTMLElement {
  const mayMerge = may("People/MergePeople");
  const mayReject = may("People/RejectMatch");
  const section = h("section#person-candidates", { "aria-labelledby": "person-candidates-title" },
    h("h2.govuk-heading-m#person-candidates-title", "Possible matches"));
  if (p.candidates.length === 0) {
    section.append(h("p.govuk-body", "No other record is proposed as this person."));
    return section;
  }
  section.append(h("div.govuk-inset-text",
    "These records may be the same person: their names, dates of birth or identifiers are alike. " +
    "Say so only when you are sure. \u201cSame person\u201d merges that record into this one (a merge can be " +
    "undone); \u201cNot the same person\u201d stops it being proposed again."));
  p.candidates.forEach((c, i) => {
    const which = h("span.govuk-visually-hidden", ` (possible match ${i + 1})`);
    const buttons = [
      mayMerge ? h("button.govuk-button", { type: "button", "data-module": "govuk-button", "data-decide": "same",
        onclick: () => change(() => people.mergePeople({ name: p.name, version: p.version, other: c.person }, { signal }),
                              "Confirmed as the same person: that record's referrals are now in this one.") },
        "Same person", which.cloneNode(true)) : null,
      mayReject ? h("button.govuk-button.govuk-button--secondary", { type: "button", "data-module": "govuk-button",
        "data-decide": "not-same",
        onclick: () => change(() => people.rejectMatch({ name: p.name, other: c.person }, { signal }),
                              "Recorded as not the same person: that record is no longer proposed.") },
        "Not the same person", which.cloneNode(true)) : null,
    ].filter((b) => b !== null);
    section.append(h("div.app-candidate", { "data-candidate": c.person },
      h("h3.govuk-heading-s", `Possible match ${i + 1}`),
      summaryList([
        ["Match", matchWords(c)],
        ["Known to", mentionList(c.mentions)],
        ["Person record", link(`#/people/${personId(c.person)}`,
                               ["Open person record", h("span.govuk-visually-hidden", ` (possible match ${i + 1})`)])],
      ]),
      buttons.length ? h("div.govuk-button-group", buttons) : null));
  });
  return section;
}

// The records merged into this one: which, when, by whom; each merge can
// be undone.
function mergedSection(p: PersonRecord, signal: AbortSignal, change: Change, mayUnmerge: boolean): HTMLElement | null {
  if (p.merged.length === 0) return null;
  return h("section#person-merged", { "aria-labelledby": "person-merged-title" },
    h("h2.govuk-heading-m#person-merged-title", "Merged into this record"),
    h("table.govuk-table",
      h("caption.govuk-table__caption.govuk-table__caption--s", "Records confirmed as this person"),
      h("thead.govuk-table__head", h("tr.govuk-table__row",
        h("th.govuk-table__header", { scope: "col" }, "Record"),
        h("th.govuk-table__header", { scope: "col" }, "Merged"),
        h("th.govuk-table__header", { scope: "col" }, "By"),
        mayUnmerge ? h("th.govuk-table__header", { scope: "col" }, h("span.govuk-visually-hidden", "Undo")) : null)),
      h("tbody.govuk-table__body", p.merged.map((m) => h("tr.govuk-table__row", { "data-merged": m.person },
        h("th.govuk-table__header", { scope: "row" }, link(`#/people/${personId(m.person)}`, personId(m.person))),
        h("td.govuk-table__cell", when(m.mergeTime)),
        h("td.govuk-table__cell", m.mergedBy),
        mayUnmerge ? h("td.govuk-table__cell", h("button.govuk-button.govuk-button--secondary", {
          type: "button", class: "govuk-!-margin-bottom-0", "data-module": "govuk-button", "data-unmerge": m.person,
          onclick: () => change(() => people.unmergePerson({ name: m.person }, { signal }),
                                "Merge undone: that record holds its own referrals again."),
        }, "Undo merge", h("span.govuk-visually-hidden", ` of record ${personId(m.person)}`))) : null)))));
}

// The records a coordinator said are not this person.
function rejectedSection(p: PersonRecord): HTMLElement | null {
  if (p.rejected.length === 0) return null;
  return h("section#person-rejected", { "aria-labelledby": "person-rejected-title" },
    h("h2.govuk-heading-m#person-rejected-title", "Not the same person"),
    h("p.govuk-body", "A coordinator said these records are not this person; they are not proposed again."),
    h("ul.govuk-list", p.rejected.map((r) => h("li", link(`#/people/${personId(r)}`, personId(r))))));
}
