// The victim's characteristics for the partnership's equality monitoring
// (MaracForm.victim): each optional, "Not recorded" unless the victim
// says. On the MARAC submission form and its correction.
import {
  type VictimCharacteristics, VictimCharacteristics_AgeBand, VictimCharacteristics_Answer,
  VictimCharacteristics_EthnicityGroup, VictimCharacteristics_Sex,
} from "../gen/safeguard/v1/referral_pb";
import { h } from "./dom";
import * as read from "./read";
import { choices, select } from "./ui";

const NOT_RECORDED: [string, string] = ["0", "Not recorded"];

// The fields, named "<path>.age_band" and so on, showing `now` if given.
export function equalityFields(path: string, now?: VictimCharacteristics): HTMLElement {
  const at = (n: number | undefined) => String(n ?? 0);
  const answer = (name: string, legend: string, value: number | undefined, hint?: string) =>
    choices("radios", `${path}.${name}`, legend, [NOT_RECORDED, ...read.enumOptions(VictimCharacteristics_Answer)],
            { hint, inline: true, small: true, checked: [at(value)] });
  return h("fieldset.govuk-fieldset", { "aria-describedby": "equality-hint" },
    h("legend.govuk-fieldset__legend.govuk-fieldset__legend--m", "Equality monitoring (optional)"),
    h("div.govuk-hint#equality-hint", "For the partnership's equality monitoring, counted only in its reports. Ask " +
      "the victim; leave an answer \u201cNot recorded\u201d if they do not say."),
    select(`${path}.age_band`, "Age", [NOT_RECORDED, ...read.enumOptions(VictimCharacteristics_AgeBand)],
           { value: at(now?.ageBand) }),
    choices("radios", `${path}.sex`, "Sex", [NOT_RECORDED, ...read.enumOptions(VictimCharacteristics_Sex)],
            { inline: true, small: true, checked: [at(now?.sex)] }),
    select(`${path}.ethnicity_group`, "Ethnic group",
           [NOT_RECORDED, ...read.enumOptions(VictimCharacteristics_EthnicityGroup)], { value: at(now?.ethnicityGroup) }),
    answer("disability", "Disability", now?.disability, "A physical or mental health condition or illness that " +
           "reduces their ability to carry out day-to-day activities."),
    answer("lgbt", "LGBT+", now?.lgbt, "Lesbian, gay, bisexual, trans, or another minority sexual orientation or " +
           "gender identity."));
}

// The characteristics answered, or none when none is recorded.
export function readVictim(form: HTMLFormElement, path: string) {
  const value = (name: string) => Number(read.text(form, `${path}.${name}`)) || 0;
  const victim = {
    ageBand: value("age_band") as VictimCharacteristics_AgeBand,
    sex: value("sex") as VictimCharacteristics_Sex,
    ethnicityGroup: value("ethnicity_group") as VictimCharacteristics_EthnicityGroup,
    disability: value("disability") as VictimCharacteristics_Answer,
    lgbt: value("lgbt") as VictimCharacteristics_Answer,
  };
  return Object.values(victim).some((v) => v !== 0) ? victim : undefined;
}
