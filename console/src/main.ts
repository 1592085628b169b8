// The console's entry point: learns who the user is from the server, draws
// the navigation their policy allows, and shows the screen the address's
// fragment names (#/worklist, #/referrals/<id>, ...). Each screen gets an
// AbortSignal that ends its calls and streams when the user moves on.

// First: it sends the first requests before the rest is evaluated.
import "./early";

import { ConnectError } from "@connectrpc/connect";

import { problemFrom, serverInfo } from "./api";
import { h, replaceChildren } from "./dom";
import { may, session, setSession } from "./session";
import { showHome } from "./screens/home";
import { showWorklist, worklistTitle } from "./screens/worklist";
import { showProblem } from "./ui";

export type Screen = (main: HTMLElement, args: string[], signal: AbortSignal) => Promise<void>;

interface Route {
  pattern: RegExp;
  screen: Screen;
}

// The home screen and the worklist come with the console; the others are
// loaded when first opened (from the browser's cache after that), so the
// first screen does not wait for the code and types of all of them. If a
// screen's code cannot be fetched (the network failed, or safeguard was
// updated since the page was opened and the old files are gone), the
// browser will not try again for this page: only a reload helps.
const later = (load: () => Promise<Screen>): Screen => async (main, args, signal) => {
  let screen: Screen;
  try {
    screen = await load();
  } catch {
    if (signal.aborted) return;  // the user has moved on
    replaceChildren(main, h("h1.govuk-heading-l", "Reload the page"),
      h("p.govuk-body", "This part of the console could not be loaded. Reload the page to load " +
                        "it again (if safeguard was updated since you opened it, the new version)."));
    return;
  }
  if (!signal.aborted) await screen(main, args, signal);
};

const ROUTES: Route[] = [
  { pattern: /^\/$/, screen: showHome },
  { pattern: /^\/worklist$/, screen: showWorklist },
  { pattern: /^\/referrals\/([A-Za-z0-9_-]+)$/,
    screen: later(async () => (await import("./screens/referral")).showReferral) },
  { pattern: /^\/referrals\/([A-Za-z0-9_-]+)\/correct$/,
    screen: later(async () => (await import("./screens/correct")).showCorrect) },
  { pattern: /^\/submit(?:\/([a-z-]+))?$/,
    screen: later(async () => (await import("./screens/submit")).showSubmit) },
  { pattern: /^\/meetings(?:\/([A-Za-z0-9_-]+))?$/,
    screen: later(async () => (await import("./screens/meetings")).showMeetings) },
  { pattern: /^\/actions$/,
    screen: later(async () => (await import("./screens/plan")).showActions) },
  { pattern: /^\/people$/,
    screen: later(async () => (await import("./screens/people")).showSearch) },
  { pattern: /^\/people\/([A-Za-z0-9_-]+)$/,
    screen: later(async () => (await import("./screens/people")).showPerson) },
  { pattern: /^\/reports$/,
    screen: later(async () => (await import("./screens/reports")).showReports) },
  { pattern: /^\/audit(?:\/([a-z-]+))?$/,
    screen: later(async () => (await import("./screens/audit")).showAuditScreen) },
];

let current: AbortController | undefined;

function navigation(): void {
  const items: [string, string][] = [["#/", "Home"]];
  if (may("Referrals/ListReferrals")) items.push(["#/worklist", worklistTitle()]);
  if (may("Referrals/SubmitReferral")) items.push(["#/submit", "Submit a referral"]);
  if (may("Meetings/ListMeetings")) items.push(["#/meetings", "Meetings"]);
  if (may("Meetings/ListActions")) items.push(["#/actions", "Actions"]);
  if (may("People/SearchPeople")) items.push(["#/people", "People"]);
  if (may("Reports/RunReport")) items.push(["#/reports", "Reports"]);
  if (may("Audit/ListAuditEntries")) items.push(["#/audit", "Audit log"]);
  const list = document.getElementById("nav-list")!;
  const here = location.hash || "#/";
  replaceChildren(list, items.map(([href, text]) => {
    const active = href === "#/" ? here === "#/" : here.startsWith(href);
    return h("li.moj-sub-navigation__item",
             h("a.moj-sub-navigation__link", { href, "aria-current": active ? "page" : null }, text));
  }));
  document.getElementById("nav")!.hidden = false;
}

async function route(): Promise<void> {
  // An in-page link (the skip link's #main-content) is not a screen.
  if (location.hash && !location.hash.startsWith("#/")) return;
  current?.abort();
  current = new AbortController();
  const signal = current.signal;
  const path = (location.hash.replace(/^#/, "") || "/").split("?")[0];
  const main = document.getElementById("main-content")!;
  navigation();
  for (const r of ROUTES) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    replaceChildren(main, h("p.govuk-body", "Loading…"));
    try {
      await r.screen(main, m.slice(1).map((s) => s ?? ""), signal);
    } catch (e) {
      if (signal.aborted) return;
      // A fault in the console itself (not an API answer) goes to the
      // developer console by name and place; it never holds case data.
      if (!(e instanceof ConnectError)) console.error(String(e), (e as Error).stack ?? "");
      replaceChildren(main, h("h1.govuk-heading-l", "Sorry, there is a problem"));
      showProblem(main, problemFrom(e));
    }
    // In a task of its own: focusing lays the page out, which would hold up
    // the requests the screen has just begun (their promise jobs run first).
    setTimeout(() => { if (!signal.aborted) focusHeading(main); }, 0);
    return;
  }
  document.title = "Page not found – safeguard";
  replaceChildren(main, h("h1.govuk-heading-l", "Page not found"),
                  h("p.govuk-body", h("a.govuk-link", { href: "#/" }, "Go to the start")));
}

// After a screen is drawn, focus its heading so screen readers announce the
// new page (the title says it too); or the success banner a screen opened
// with, after a change made on the screen before ("Details corrected").
function focusHeading(main: HTMLElement): void {
  const heading = main.querySelector<HTMLElement>("h1");
  if (!heading) return;
  document.title = `${heading.textContent} – safeguard`;
  heading.tabIndex = -1;
  if (main.querySelector(".govuk-error-summary")) return;
  (main.querySelector<HTMLElement>(".govuk-notification-banner--success") ?? heading).focus({ preventScroll: true });
}

async function boot(): Promise<void> {
  document.body.classList.add("js-enabled", "govuk-frontend-supported");
  const identity = document.getElementById("identity")!;
  try {
    setSession(await serverInfo.getServerInfo({}));
  } catch (e) {
    identity.textContent = "Not signed in";
    const main = document.getElementById("main-content")!;
    replaceChildren(main, h("h1.govuk-heading-l", "You are not signed in"));
    showProblem(main, problemFrom(e));
    return;
  }
  const s = session();
  replaceChildren(identity, h("span.govuk-visually-hidden", "Signed in as "),
                  `${s.info.caller!.principal} at ${s.info.caller!.agency}`);
  document.getElementById("server")!.textContent =
      `safeguard ${s.info.serverVersion} at ${location.host} (database schema ${s.info.schemaVersion})`;
  window.addEventListener("hashchange", () => { void route(); });
  await route();
}

void boot();
