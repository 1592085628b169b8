// GOV.UK Frontend components built from data: form fields whose ids come
// from the API field path they edit, error summaries that place the API's
// field violations next to those fields, and small page pieces.
import type { Problem } from "./api";
import { type Child, fieldId, h } from "./dom";

export interface FieldOptions {
  hint?: string;
  value?: string;
  type?: string;
  width?: string;      // govuk-input--width-N / govuk-!-width-...
  autocomplete?: string;
  maxlength?: number;
  required?: boolean;
}

function group(path: string, children: Child[]): HTMLElement {
  return h("div.govuk-form-group", { "data-field-group": path }, children);
}

function hintFor(path: string, hint?: string): HTMLElement | null {
  return hint ? h("div.govuk-hint", { id: `${fieldId(path)}-hint` }, hint) : null;
}

export function textInput(path: string, label: string, o: FieldOptions = {}): HTMLElement {
  const id = fieldId(path);
  return group(path, [
    h("label.govuk-label", { for: id }, label),
    hintFor(path, o.hint),
    h("input.govuk-input", {
      id, name: path, type: o.type ?? "text", value: o.value ?? "",
      class: o.width ? `govuk-input--width-${o.width}` : null,
      autocomplete: o.autocomplete ?? "off", spellcheck: "false",
      maxlength: o.maxlength ?? null,
      "aria-describedby": o.hint ? `${id}-hint` : null,
    }),
  ]);
}

export function textArea(path: string, label: string, o: FieldOptions = {}): HTMLElement {
  const id = fieldId(path);
  const area = h("textarea.govuk-textarea", {
    id, name: path, rows: 4, maxlength: o.maxlength ?? null,
    "aria-describedby": o.hint ? `${id}-hint` : null });
  area.textContent = o.value ?? "";
  return group(path, [h("label.govuk-label", { for: id }, label), hintFor(path, o.hint), area]);
}

export function select(path: string, label: string, options: [string, string][],
                       o: FieldOptions = {}): HTMLElement {
  const id = fieldId(path);
  return group(path, [
    h("label.govuk-label", { for: id }, label),
    hintFor(path, o.hint),
    h("select.govuk-select", { id, name: path, "aria-describedby": o.hint ? `${id}-hint` : null },
      options.map(([value, text]) =>
          h("option", { value, selected: value === (o.value ?? "") }, text))),
  ]);
}

// Radios or checkboxes in a fieldset; the first input carries the path's id
// so an error summary link reaches the group.
export function choices(kind: "radios" | "checkboxes", path: string, legend: string,
                        options: [string, string][],
                        o: { hint?: string; inline?: boolean; checked?: string[];
                             small?: boolean; legendClass?: string } = {}): HTMLElement {
  const id = fieldId(path);
  const input = kind === "radios" ? "radio" : "checkbox";
  return group(path, [
    h("fieldset.govuk-fieldset", { "aria-describedby": o.hint ? `${id}-hint` : null },
      h(`legend.govuk-fieldset__legend.${o.legendClass ?? "govuk-fieldset__legend--s"}`, legend),
      hintFor(path, o.hint),
      h(`div.govuk-${kind}`, {
        class: [o.inline ? `govuk-${kind}--inline` : "", o.small ? `govuk-${kind}--small` : ""].join(" "),
        "data-module": `govuk-${kind}` },
        options.map(([value, text], i) => {
          const optionId = i === 0 ? id : `${id}-${i}`;
          return h(`div.govuk-${kind}__item`,
            h(`input.govuk-${kind}__input`, { id: optionId, name: path, type: input, value,
                                             checked: (o.checked ?? []).includes(value) }),
            h(`label.govuk-label.govuk-${kind}__label`, { for: optionId }, text));
        }))),
  ]);
}

// One checkbox (value "true") under its own legend: a yes-or-no answer.
export function tick(path: string, legend: string, text: string, checked = false): HTMLElement {
  return choices("checkboxes", path, legend, [["true", text]], { small: true, checked: checked ? ["true"] : [] });
}

// A day / month / year date; day and month may be left empty for a
// partial date. `value` fills the boxes (a 0 or "" leaves one empty).
export function dateInput(path: string, legend: string, hint?: string,
                          value: Partial<Record<"day" | "month" | "year", number | string>> = {}): HTMLElement {
  const id = fieldId(path);
  const part = (name: "day" | "month" | "year", label: string, width: number, first: boolean) =>
      h("div.govuk-date-input__item", h("div.govuk-form-group",
        h("label.govuk-label.govuk-date-input__label", { for: first ? id : `${id}-${name}` }, label),
        h(`input.govuk-input.govuk-date-input__input.govuk-input--width-${width}`, {
          id: first ? id : `${id}-${name}`, name: `${path}.${name}`, type: "text",
          inputmode: "numeric", autocomplete: "off", value: value[name] ? String(value[name]) : null })));
  return group(path, [
    h("fieldset.govuk-fieldset", { role: "group", "aria-describedby": hint ? `${id}-hint` : null },
      h("legend.govuk-fieldset__legend.govuk-fieldset__legend--s", legend),
      hintFor(path, hint),
      h("div.govuk-date-input", part("day", "Day", 2, true), part("month", "Month", 2, false),
        part("year", "Year", 4, false))),
  ]);
}

export function button(text: string, attrs: Record<string, string | boolean> = {},
                       secondary = false): HTMLElement {
  return h("button.govuk-button", { type: "submit", "data-module": "govuk-button",
                                    class: secondary ? "govuk-button--secondary" : null,
                                    ...attrs }, text);
}

export function summaryList(rows: [string, Child, string?][]): HTMLElement {
  return h("dl.govuk-summary-list",
    rows.map(([key, value, field]) => h("div.govuk-summary-list__row",
      h("dt.govuk-summary-list__key", key),
      h("dd.govuk-summary-list__value", { "data-field": field ?? null }, value))));
}

// Removes a form's error summary and field errors.
export function clearProblems(root: HTMLElement): void {
  root.querySelectorAll(".govuk-error-summary").forEach((e) => e.remove());
  root.querySelectorAll(".govuk-error-message").forEach((e) => e.remove());
  root.querySelectorAll("[aria-describedby]").forEach((e) => {
    const kept = e.getAttribute("aria-describedby")!.split(/\s+/).filter((id) => !/-error-\d+$/.test(id));
    if (kept.length) e.setAttribute("aria-describedby", kept.join(" "));
    else e.removeAttribute("aria-describedby");
  });
  root.querySelectorAll(".govuk-form-group--error").forEach(
      (e) => e.classList.remove("govuk-form-group--error"));
  root.querySelectorAll(".govuk-input--error, .govuk-select--error, .govuk-textarea--error")
      .forEach((e) => e.classList.remove("govuk-input--error", "govuk-select--error",
                                         "govuk-textarea--error"));
}

// The form group of an API field path, or of its nearest parent path that
// has one ("referral.subjects[0].address.lines[1]" may land on
// "referral.subjects[0].address.lines").
function groupFor(root: HTMLElement, path: string): HTMLElement | null {
  for (let p = path; p; p = p.replace(/(\.[^.]*|\[\d+\])$/, "")) {
    const found = root.querySelector<HTMLElement>(`[data-field-group="${CSS.escape(p)}"]`);
    if (found) return found;
    if (!/(\.[^.]*|\[\d+\])$/.test(p)) break;
  }
  return null;
}

function labelOf(g: HTMLElement): string {
  const label = g.querySelector(".govuk-fieldset__legend, .govuk-label");
  return label?.textContent?.trim() ?? "";
}

// Shows a problem at the top of `root` (focused, as GOV.UK error summaries
// are) and each field violation beside its field, in words a person reads:
// "Date of birth: must not be in the future".
export function showProblem(root: HTMLElement, problem: Problem): void {
  clearProblems(root);
  const items: HTMLElement[] = [];
  for (const v of problem.fields) {
    const g = groupFor(root, v.field);
    const label = g ? labelOf(g) : v.field;
    const text = label ? `${label}: ${v.description}` : v.description;
    if (g) {
      g.classList.add("govuk-form-group--error");
      const id = g.querySelector("input, select, textarea")?.id ?? fieldId(v.field);
      const message = h("p.govuk-error-message", { id: `${id}-error-${items.length}` },
                        h("span.govuk-visually-hidden", "Error: "), text);
      const anchor = g.querySelector(".govuk-fieldset__legend, .govuk-label");
      const control = g.querySelector("input, select, textarea");
      if (control) {
        control.setAttribute("aria-describedby",
            [control.getAttribute("aria-describedby"), message.id].filter(Boolean).join(" "));
        if (control.classList.contains("govuk-input")) control.classList.add("govuk-input--error");
        if (control.classList.contains("govuk-select")) control.classList.add("govuk-select--error");
        if (control.classList.contains("govuk-textarea")) control.classList.add("govuk-textarea--error");
      }
      const hint = g.querySelector(".govuk-hint");
      (hint ?? anchor)?.after(message);
      items.push(h("li", h("a", { href: `#${id}`, "data-target": id, onclick: focusTarget }, text)));
    } else {
      items.push(h("li", text));
    }
  }
  const summary = h("div.govuk-error-summary", { "data-module": "govuk-error-summary", tabindex: "-1" },
    h("div", { role: "alert" },
      h("h2.govuk-error-summary__title", "There is a problem"),
      h("div.govuk-error-summary__body",
        h("p.govuk-body", problem.message),
        items.length ? h("ul.govuk-list.govuk-error-summary__list", items) : null)));
  root.prepend(summary);
  summary.focus();
}

function focusTarget(e: Event): void {
  e.preventDefault();
  const id = (e.currentTarget as HTMLElement).dataset.target!;
  const el = document.getElementById(id);
  el?.scrollIntoView({ block: "center" });
  el?.focus();
}

export function banner(text: Child, kind: "success" | "info" = "info",
                       title = kind === "success" ? "Success" : "Important"): HTMLElement {
  return h("div.govuk-notification-banner", {
    class: kind === "success" ? "govuk-notification-banner--success" : null,
    role: kind === "success" ? "alert" : "region",
    "aria-labelledby": "banner-title", tabindex: "-1" },
    h("div.govuk-notification-banner__header",
      h("h2.govuk-notification-banner__title#banner-title", title)),
    h("div.govuk-notification-banner__content", h("p.govuk-notification-banner__heading", text)));
}

export function link(href: string, text: Child, attrs: Record<string, string> = {}): HTMLElement {
  return h("a.govuk-link", { href, ...attrs }, text);
}

// Makes the ids inside `root` unique on a page that repeats the same form
// (one per case, per agency, per action): each id gets `-<suffix>`, and
// the labels, hints and descriptions that name it follow. Field names (the
// API paths the server's errors name) are kept.
export function scopeIds<T extends HTMLElement>(root: T, suffix: string): T {
  const safe = suffix.replace(/[^A-Za-z0-9_-]+/g, "-");
  const all = (selector: string) => [root, ...root.querySelectorAll<HTMLElement>(selector)]
      .filter((el) => el.matches(selector));
  const renamed = new Map<string, string>();
  for (const el of all("[id]")) {
    const id = `${el.id}-${safe}`;
    renamed.set(el.id, id);
    el.id = id;
  }
  for (const el of all("[for]")) {
    const to = renamed.get(el.getAttribute("for")!);
    if (to) el.setAttribute("for", to);
  }
  for (const attr of ["aria-describedby", "aria-labelledby", "aria-controls"]) {
    for (const el of all(`[${attr}]`)) {
      el.setAttribute(attr, el.getAttribute(attr)!.split(/\s+/)
          .map((id) => renamed.get(id) ?? id).join(" "));
    }
  }
  return root;
}
