// What the meeting screens and the referral page share: the Meetings API
// client (in a module of its own, so its types load with the screens that
// use it, not with the console's first screen), and how meetings and
// actions are written in words.
import { createClient } from "@connectrpc/connect";

import {
  ActionStatus, AgendaSection, type Meeting, MeetingState, Meetings,
} from "../gen/safeguard/v1/meetings_pb";
import { ReferralKind } from "../gen/safeguard/v1/referral_pb";
import { transport } from "./api";
import { h } from "./dom";
import { kindWords, when } from "./format";
import { hasRole } from "./session";

export const meetings = createClient(Meetings, transport);

export function meetingId(name: string): string {
  return name.replace(/^meetings\//, "");
}

// The kinds of meeting the caller's roles reach: MARAC, Channel or both.
export function meetingKinds(): ReferralKind[] {
  const kinds: ReferralKind[] = [];
  if (["marac_coordinator", "marac_representative"].some(hasRole)) kinds.push(ReferralKind.MARAC);
  if (["channel_chair", "channel_partner"].some(hasRole)) kinds.push(ReferralKind.CHANNEL);
  return kinds;
}

// "MARAC, west-suffolk, 18 December 2026, 10:00"
export function meetingTitle(m: Meeting): string {
  return `${kindWords(m.kind)}, ${m.area}, ${when(m.startTime)}`;
}

const STATES: Record<number, [string, string]> = {
  [MeetingState.MEETING_SCHEDULED]: ["Scheduled", "blue"],
  [MeetingState.MEETING_HELD]: ["Held", "green"],
  [MeetingState.MEETING_CLOSED]: ["Closed", "grey"],
};

export function meetingStateTag(state: MeetingState): HTMLElement {
  const [text, colour] = STATES[state] ?? ["Unknown", "grey"];
  return h(`strong.govuk-tag.govuk-tag--${colour}`, text);
}

export const SECTIONS: [AgendaSection, string][] = [
  [AgendaSection.AGENDA_ACTIONS_OUTSTANDING, "Actions outstanding from earlier meetings"],
  [AgendaSection.AGENDA_NEW_WITH_CHILDREN, "New cases with children"],
  [AgendaSection.AGENDA_NEW, "New cases"],
  [AgendaSection.AGENDA_REPEAT, "Repeat cases"],
  [AgendaSection.AGENDA_OTHER, "Other cases"],
];

const ACTION_STATUSES: Record<number, [string, string]> = {
  [ActionStatus.ACTION_OPEN]: ["Open", "blue"],
  [ActionStatus.ACTION_DONE]: ["Done", "green"],
  [ActionStatus.ACTION_NOT_POSSIBLE]: ["Not possible", "grey"],
  [ActionStatus.ACTION_NOT_DONE]: ["Not done", "orange"],
};

export function actionStatusTags(status: ActionStatus, overdue: boolean): HTMLElement[] {
  const [text, colour] = ACTION_STATUSES[status] ?? ["Unknown", "grey"];
  const tags = [h(`strong.govuk-tag.govuk-tag--${colour}`, text)];
  if (overdue) tags.push(h("strong.govuk-tag.govuk-tag--red.app-overdue", "Overdue"));
  return tags;
}
