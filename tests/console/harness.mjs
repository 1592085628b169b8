// The console journeys' library: one headless Chromium per identity, each
// presenting its own client certificate to the server (mutual TLS), and the
// checks journeys share (accessibility with axe-core, keyboard, text, the
// page's console errors and failed requests, screenshots for the docs).
//
// How a browser gets its certificate: a temporary HOME whose NSS database
// (~/.pki/nssdb, which Chromium on Linux reads) holds the test CA, trusted
// for servers, and the identity's certificate and key; and a managed
// Chromium policy, AutoSelectCertificateForUrls for the origin, so that the
// certificate is sent without a prompt. The policy file is machine-wide
// (/etc/chromium/policies/managed/, root only): it is removed on close(),
// on exit (an uncaught error too) and on SIGINT/SIGTERM/SIGHUP.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');

export const CHROMIUM = process.env.SAFEGUARD_CHROMIUM || '/usr/bin/chromium';
export const POLICY_DIR = '/etc/chromium/policies/managed';

// How long a wait for something on screen lasts before it fails.
export const DEFAULT_TIMEOUT_MS = 15000;

// ---- Cleanup of what outlives the process: the policy file, temp dirs ----

// The browsers' process ids (each leads its own process group) and the
// temporary folders their profiles are in: on exit every process of those
// browsers is killed before anything else is cleaned up. Puppeteer kills its
// browsers on exit too, but with more than one browser it misses all but the
// first (its exit listeners are removed from the array it is iterating), and
// a browser still being launched has no Browser object yet: those are found
// by their --user-data-dir.
const browserPids = new Set();
const profileRoots = new Set();
function killBrowsers() {
  for (const pid of browserPids) {
    try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  browserPids.clear();
  if (profileRoots.size === 0) return;
  let procs = [];
  try { procs = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)); } catch { return; }
  for (const pid of procs) {
    let cmdline;
    try { cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; }
    for (const root of profileRoots) {
      if (cmdline.includes(`--user-data-dir=${root}/`)) {
        try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ }
      }
    }
  }
}

const cleanups = new Set();
function runCleanups() {
  killBrowsers();
  for (const fn of [...cleanups]) {
    cleanups.delete(fn);
    try { fn(); } catch { /* best effort: the rest still run */ }
  }
}
let hooksInstalled = false;
function installExitHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // 'exit' also comes after an uncaught error and process.exit(); there
  // puppeteer kills its browsers too.
  process.on('exit', runCleanups);
  // A signal's default action skips 'exit': clean up, then exit as killed.
  // (The browsers are launched with puppeteer's own signal handling off.)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      runCleanups();
      process.exit(128 + os.constants.signals[signal]);
    });
  }
}

function run(cmd, args, env) {
  try {
    execFileSync(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    throw new Error(`${cmd} ${args.join(' ')} failed: ${err.stderr || err.message}`);
  }
}

// A HOME with an NSS database that trusts the CA and, if `identity` is
// given, holds its certificate and key.
function makeHome(root, role, caCertPath, identity) {
  const home = path.join(root, role);
  const nssdb = path.join(home, '.pki', 'nssdb');
  fs.mkdirSync(nssdb, { recursive: true });
  const db = `sql:${nssdb}`;
  run('certutil', ['-N', '-d', db, '--empty-password']);
  run('certutil', ['-A', '-d', db, '-n', 'ca', '-t', 'C,,', '-i', caCertPath]);
  if (identity) {
    const p12 = path.join(home, `${role}.p12`);
    run('openssl', ['pkcs12', '-export', '-in', identity.certPath, '-inkey',
      identity.keyPath, '-name', role, '-out', p12, '-passout', 'pass:']);
    run('pk12util', ['-i', p12, '-d', db, '-W', '']);
    fs.rmSync(p12);
  }
  return home;
}

// Per-page record of what went wrong in it.
const pageProblems = new WeakMap();

function watchPage(page) {
  const problems = [];
  pageProblems.set(page, problems);
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      problems.push(`console error: ${msg.text()}${loc && loc.url ? ` (${loc.url})` : ''}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`uncaught in page: ${err.message}`));
  page.on('requestfailed', (req) => {
    problems.push(`request failed: ${req.method()} ${req.url()}: ${req.failure()?.errorText}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) {
      problems.push(`HTTP ${res.status()}: ${res.request().method()} ${res.url()}`);
    }
  });
  return page;
}

// Starts one headless Chromium per entry of `identities` (role label ->
// {certPath, keyPath}; null for a browser with no certificate at all, which
// still trusts the CA). Returns {page(role), browser(role), roles, close()}.
export async function startBrowsers({ origin, caCertPath, identities }) {
  const url = new URL(origin);
  if (url.protocol !== 'https:') throw new Error(`origin must be https: ${origin}`);
  installExitHooks();

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'safeguard-console-'));
  profileRoots.add(root);
  const removeRoot = () => {
    profileRoots.delete(root);
    fs.rmSync(root, { recursive: true, force: true, maxRetries: 5 });
  };
  cleanups.add(removeRoot);

  const policyFile = path.join(POLICY_DIR,
    `safeguard-test-${process.pid}-${url.port || 443}.json`);
  const removePolicy = () => fs.rmSync(policyFile, { force: true });
  cleanups.add(removePolicy);

  const browsers = new Map();
  const close = async () => {
    for (const b of browsers.values()) {
      try { await b.close(); } catch { /* already gone */ }
      browserPids.delete(b.process()?.pid);
    }
    browsers.clear();
    removePolicy();
    cleanups.delete(removePolicy);
    removeRoot();
    cleanups.delete(removeRoot);
  };

  try {
    fs.mkdirSync(POLICY_DIR, { recursive: true });
    const pattern = JSON.stringify({ pattern: url.origin, filter: {} });
    fs.writeFileSync(policyFile,
      JSON.stringify({ AutoSelectCertificateForUrls: [pattern] }, null, 2));

    // One after another: on two cores, starting them all at once is slower.
    for (const [role, identity] of Object.entries(identities)) {
      const home = makeHome(root, role, caCertPath, identity);
      const browser = await puppeteer.launch({
        executablePath: CHROMIUM,
        headless: true,
        // --disable-dev-shm-usage: shared memory in /tmp, for containers
        // and chroots whose /dev/shm is small or missing.
        args: ['--headless=new', '--no-sandbox', '--no-first-run',
          '--no-default-browser-check', '--disable-gpu', '--disable-dev-shm-usage'],
        userDataDir: path.join(home, 'profile'),
        env: { ...process.env, HOME: home },
        // The server's certificate is checked against the CA in the NSS
        // database, as a real browser would.
        acceptInsecureCerts: false,
        defaultViewport: { width: 1280, height: 900 },
        protocolTimeout: 60000,
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      });
      browsers.set(role, browser);
      const pid = browser.process()?.pid;
      if (pid) browserPids.add(pid);
    }
  } catch (err) {
    await close();
    throw err;
  }

  const browserOf = (role) => {
    const b = browsers.get(role);
    if (!b) throw new Error(`no browser for role "${role}" (have: ${[...browsers.keys()].join(', ')})`);
    return b;
  };
  return {
    roles: [...browsers.keys()],
    browser: browserOf,
    // A new page (tab) in the role's browser; its console errors and failed
    // requests are recorded (see problems() and expectNoProblems()).
    async page(role) {
      const page = await browserOf(role).newPage();
      page.setDefaultTimeout(DEFAULT_TIMEOUT_MS);
      return watchPage(page);
    },
    close,
  };
}

// ---- What went wrong on a page --------------------------------------------

// Console errors, uncaught exceptions, failed requests and HTTP errors seen
// on `page` so far.
export function problems(page) {
  return [...(pageProblems.get(page) || [])];
}

export function clearProblems(page) {
  pageProblems.get(page)?.splice(0);
}

// What the browser does on its own, not the page: Chromium asks for
// /favicon.ico when a page names no icon (and logs the 404 as a console
// error).
export const BROWSER_NOISE = [/\/favicon\.ico\b/];

// Throws if anything went wrong on `page`, except problems matched by one of
// the `ignore` regular expressions (e.g. an expected 403 of a denied call)
// or by BROWSER_NOISE.
export function expectNoProblems(page, { ignore = [] } = {}) {
  const skip = [...BROWSER_NOISE, ...ignore];
  const left = problems(page).filter((p) => !skip.some((re) => re.test(p)));
  if (left.length) {
    throw new Error(`problems on ${page.url()}:\n  ${left.join('\n  ')}`);
  }
}

// ---- Accessibility ----------------------------------------------------------

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
let axeSource;

// Runs axe-core on the page as it is now (WCAG 2.2 A and AA) and throws with
// every violation: rule, impact, the elements (CSS selectors) and help.
// axe-core is injected with page.evaluate of its source, which runs through
// the DevTools protocol and so is not blocked by the server's
// Content-Security-Policy (default-src 'self': an inline <script> would be).
export async function checkAxe(page, label = page.url()) {
  axeSource ??= fs.readFileSync(
    path.join(here, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.evaluate(axeSource);
  }
  const result = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
    }));
  }, AXE_TAGS);
  if (result.length) {
    const lines = result.map((v) => [
      `- ${v.id} (${v.impact}): ${v.help}`,
      ...v.nodes.map((n) => `    at ${n.target}${n.summary ? `: ${n.summary.trim().replace(/:\s*\n\s*/g, ': ').replace(/\s*\n\s*/g, '; ')}` : ''}`),
      `    see ${v.helpUrl}`,
    ].join('\n'));
    throw new Error(`axe: ${result.length} accessibility violation(s) on ${label}:\n${lines.join('\n')}`);
  }
}

// ---- Screenshots for the docs ----------------------------------------------

// Writes docs/console/<name>.png (from the repository's root) when
// SAFEGUARD_SCREENSHOTS=1; otherwise does nothing.
export async function screenshot(page, name, options = {}) {
  if (process.env.SAFEGUARD_SCREENSHOTS !== '1') return null;
  const dir = path.join(repoRoot, 'docs', 'console');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true, ...options });
  return file;
}

// ---- Keyboard ----------------------------------------------------------------

// What has focus, in words: tag#id.class, its role, its label or text.
export async function describeFocus(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return '<body> (nothing focused)';
    let s = el.tagName.toLowerCase();
    if (el.id) s += `#${el.id}`;
    if (typeof el.className === 'string' && el.className.trim()) {
      s += `.${el.className.trim().split(/\s+/).join('.')}`;
    }
    const role = el.getAttribute('role');
    if (role) s += ` role=${role}`;
    const label = el.getAttribute('aria-label') || el.labels?.[0]?.textContent
      || el.textContent || el.value || '';
    const text = label.replace(/\s+/g, ' ').trim().slice(0, 60);
    return text ? `${s} "${text}"` : s;
  });
}

async function focusMatches(page, target) {
  if (typeof target === 'string') {
    return page.evaluate((sel) => !!document.activeElement?.matches(sel), target);
  }
  // A function run in the page with the focused element.
  return page.evaluate(`(${target.toString()})(document.activeElement)`);
}

// Presses Tab (up to maxTabs times) until the focused element matches
// `target`: a CSS selector, or a function (element) => boolean that runs in
// the page. Fails naming each element that had focus on the way.
export async function tabUntil(page, target, maxTabs = 30, { shift = false } = {}) {
  const seen = [];
  for (let i = 0; i < maxTabs; i++) {
    await pressKey(page, shift ? 'Shift+Tab' : 'Tab');
    if (await focusMatches(page, target)) return;
    seen.push(await describeFocus(page));
  }
  throw new Error(`after ${maxTabs} Tab presses focus never reached ${
    typeof target === 'string' ? target : target.toString()}; focus went:\n  ${seen.join('\n  ')}`);
}

// Presses a key or a chord, e.g. 'Enter', 'Escape', 'Shift+Tab', 'Control+a'.
export async function pressKey(page, key) {
  const parts = key.split('+');
  const main = parts.pop();
  for (const m of parts) await page.keyboard.down(m);
  await page.keyboard.press(main);
  for (const m of parts.reverse()) await page.keyboard.up(m);
}

// ---- Waiting for what is on screen -------------------------------------------

async function bodyText(page) {
  try {
    const t = await page.evaluate(() => document.body?.innerText ?? '');
    return t.replace(/\s+/g, ' ').trim().slice(0, 500);
  } catch (err) {
    return `(could not read the page: ${err.message})`;
  }
}

// Waits for an element matching `selector`; fails with what the page shows.
export async function waitFor(page, selector, { timeout = DEFAULT_TIMEOUT_MS, visible = true } = {}) {
  try {
    return await page.waitForSelector(selector, { timeout, visible });
  } catch {
    throw new Error(`no ${visible ? 'visible ' : ''}element matches ${selector} after ${timeout} ms on ${
      page.url()}; the page shows: "${await bodyText(page)}"`);
  }
}

// Waits until the element matching `selector` contains `text` (a string, or
// a RegExp); fails with the element's text, or the page's, instead.
export async function expectText(page, selector, text, { timeout = DEFAULT_TIMEOUT_MS } = {}) {
  const isRe = text instanceof RegExp;
  const want = isRe ? { source: text.source, flags: text.flags } : String(text);
  try {
    await page.waitForFunction((sel, w, re) => {
      const el = document.querySelector(sel);
      if (!el) return false;
      const t = el.innerText ?? el.textContent ?? '';
      return re ? new RegExp(w.source, w.flags).test(t) : t.includes(w);
    }, { timeout }, selector, want, isRe);
  } catch {
    const got = await page.evaluate((sel) => {
      const el = document.querySelector(sel);
      return el ? (el.innerText ?? el.textContent ?? '').replace(/\s+/g, ' ').trim() : null;
    }, selector).catch(() => null);
    throw new Error(`expected ${selector} to contain ${isRe ? text : JSON.stringify(text)} on ${
      page.url()} within ${timeout} ms; ${got === null
      ? `no element matches it; the page shows: "${await bodyText(page)}"`
      : `it shows: "${got.slice(0, 500)}"`}`);
  }
}

// Loads `pathOrUrl` (relative to the page's origin, or absolute) and waits
// for the network to settle; fails on an HTTP error status.
export async function visit(page, origin, pathOrUrl = '/') {
  const target = new URL(pathOrUrl, origin).toString();
  const res = await page.goto(target, { waitUntil: 'networkidle0' });
  if (!res) throw new Error(`no response loading ${target}`);
  if (!res.ok()) throw new Error(`HTTP ${res.status()} loading ${target}`);
  return res;
}
