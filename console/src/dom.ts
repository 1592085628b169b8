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
  const match = /^([a-z0-9]+)((?:[.#][\w-]+)*)$/.exec(spec);
  if (!match) throw new Error(`bad element spec ${spec}`);
  const el = document.createElement(match[1]);
  for (const part of match[2].match(/[.#][\w-]+/g) ?? []) {
    if (part[0] === ".") el.classList.add(part.slice(1));
    else el.id = part.slice(1);
  }
  for (const [name, value] of Object.entries(attrs as Attrs)) {
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

export function append(el: Node, children: Child[]): void {
  for (const child of children.flat(Infinity as 1) as Child[]) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(typeof child === "string" ? document.createTextNode(child) : child as Node);
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
