// People across referrals (safeguard.v1.People): the client, and what the
// screens that show where a person is known share: a mention of a person in
// another referral in words (the referral page's "Also known to" and the
// person records), and a failed change to a person record in words.
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { Code, createClient } from "@connectrpc/connect";

import { People } from "../gen/safeguard/v1/people_pb";
import { type Problem, problemFrom, transport } from "./api";
import { type Child, h } from "./dom";
import { dayOf, isoTime, kindInSentence, namedAsWords, stateInSentence } from "./format";

export const people = createClient(People, transport);

// "people/abc" -> "abc", as the person record's address (#/people/abc) has it.
export function personId(name: string): string {
  return name.replace(/^people\//, "");
}

// What is said of a referral that names someone, without its content.
export interface Mentioned {
  kind: number;
  referringAgency: string;
  namedAs: string;
  state: string;
  createTime?: Timestamp;
}

// "A target-hardening referral from west-suffolk-council, which names them
// as the victim. Received 6 December 2026, now referred." `field` gives the
// data-field (the JSON path) of a part that is present, or null.
export function mentionSentence(m: Mentioned,
                                field: (name: string, has: unknown) => string | null = () => null): Child[] {
  const [article, kind] = kindInSentence(m.kind);
  const received = m.createTime
    ? h("time", { datetime: isoTime(m.createTime), "data-field": field("createTime", true) }, dayOf(m.createTime))
    : null;
  const state = m.state ? h("span", { "data-field": field("state", true) }, stateInSentence(m.state)) : null;
  return [
    `${article.charAt(0).toUpperCase()}${article.slice(1)} `,
    h("span", { "data-field": field("kind", m.kind) }, kind), " referral",
    m.referringAgency ? [" from ", h("span", { "data-field": field("referringAgency", true) },
                                     m.referringAgency)] : null,
    m.namedAs ? [", which names them as ", h("span", { "data-field": field("namedAs", true) },
                                             namedAsWords(m.kind, m.namedAs))] : null,
    ".",
    received && state ? [" Received ", received, ", now ", state, "."]
      : received ? [" Received ", received, "."]
      : state ? [" Now ", state, "."] : null,
  ];
}

// A failed call on a person record in words; a stale version is the
// record's, not a referral's.
export function personProblem(err: unknown): Problem {
  const problem = problemFrom(err);
  if (problem.code === Code.Aborted) {
    problem.message = "This person record was changed by someone else: reload it and try again.";
  }
  return problem;
}
