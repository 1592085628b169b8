// Building the page: elements from tags, attributes and children. Text is
// always set as text (never parsed as HTML), so what the API returns can
// never become markup.

export type Child = Node | string | null | undefined | false | Child[];
export type Attrs = Record<string, string | number | boolean | null | undefined
                           | ((e: Event) => void)>;

// h("p.govuk-body#intro", {hidden: true}, "text", h("a", {href: "#/"}, "x"))
export function h(spec: string, attrs: Attrs | Child = {}, ...children: Child[]): HTMLElement {
  if (attrs instanceof Node || typeof attrs !== "object" || Array.isArray(attrs) || attrs === null) {
    children.unshift(attrs as Child);
    attrs = {};
  }
  const parsed = parseSpec(spec);
  const el = document.createElement(parsed.tag);
  if (parsed.className) el.className = parsed.className;
  if (parsed.id) el.id = parsed.id;
  for (const name in attrs as Attrs) {
    const value = (attrs as Attrs)[name];
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") {
      el.addEventListener(name.replace(/^on/, ""), value);
    } else if (name === "class") {
      for (const c of String(value).split(/\s+/).filter(Boolean)) el.classList.add(c);
    } else if (value === true) {
      el.setAttribute(name, "");
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

interface Spec {
  tag: string;
  className: string;
  id: string;
}
// Specs are few and repeat for every row of a table: each is parsed once.
const specs = new Map<string, Spec>();

function parseSpec(spec: string): Spec {
  let parsed = specs.get(spec);
  if (parsed) return parsed;
  const match = /^([a-z0-9]+)((?:[.#][\w-]+)*)$/.exec(spec);
  if (!match) throw new Error(`bad element spec ${spec}`);
  const classes: string[] = [];
  let id = "";
  for (const part of match[2].match(/[.#][\w-]+/g) ?? []) {
    if (part[0] === ".") classes.push(part.slice(1));
    else id = part.slice(1);
  }
  parsed = { tag: match[1], className: classes.join(" "), id };
  specs.set(spec, parsed);
  return parsed;
}

export function append(el: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
}

export function replaceChildren(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

// A form field's id from the API field path it edits, so an error naming
// "referral.subjects[0].full_name" finds its input.
export function fieldId(path: string): string {
  return "f-" + path.replace(/[^A-Za-z0-9]+/g, "-");
}
