// The web console's figures, measured in headless Chromium against the
// bench's server (safeguard_bench runs this script for its `console`
// scenario and reads the last line of its output, one JSON object):
//
//   worklist_cold   a fresh load of /#/worklist in a new tab (the bundle,
//                   GetServerInfo, the WatchReferrals stream until it is
//                   live, ListReferrals of 50, the table drawn), from the
//                   navigation's start (performance.timeOrigin) to the
//                   moment the table's 50 rows are in the DOM, measured
//                   inside the page; with the time of each step on the way.
//                   The browser keeps the console's files (they are named by
//                   their content), as it does for anyone who has opened the
//                   console before; a new tab starts a new renderer;
//   worklist_reload the same, reloading the tab that shows the worklist;
//   worklist_warm   the same screen reopened from the home screen by a hash
//                   change (the bundle and GetServerInfo already loaded);
//   live_update     the coordinator's worklist open and live; another caller
//                   (a second session, in a browser of its own) assigns or
//                   unassigns a referral shown on that page; from the
//                   acknowledgement of that commit (the response received)
//                   to the row showing the new assignee, and from the send.
//                   Both pages read one clock (performance.timeOrigin +
//                   performance.now(), the machine's wall clock at sub-ms
//                   resolution); values are not clamped, so an update drawn
//                   before the acknowledgement arrived shows as negative.
//
// Environment:
//   SAFEGUARD_ORIGIN                    https://127.0.0.1:PORT
//   SAFEGUARD_CA                        the CA the server's certificate chains to
//   SAFEGUARD_ID_COORDINATOR_CERT/_KEY  the worklist's identity
//                                       (west-suffolk-council/person/sanctuary-coordinator)
//   SAFEGUARD_ID_OTHER_CERT/_KEY        the other caller; it must be allowed to
//                                       assign target-hardening referrals, which
//                                       the policy grants the sanctuary
//                                       coordinator alone
//   SAFEGUARD_ASSIGNEE                  whom the other caller assigns to
//   SAFEGUARD_BENCH_ITERATIONS          navigations and updates of each kind (30)
//
// Needs root for the Chromium policy that sends the client certificate
// (tests/console/README.md) and the packages of tests/console (npm ci).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { startBrowsers } from '../tests/console/harness.mjs';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (see the top of console_bench.mjs)`);
  return value;
}

const origin = required('SAFEGUARD_ORIGIN');
const caCertPath = required('SAFEGUARD_CA');
const assignee = required('SAFEGUARD_ASSIGNEE');
const iterations = Number(process.env.SAFEGUARD_BENCH_ITERATIONS || 30);
const ROWS = 50;
const WORKLIST = new URL('/#/worklist', origin).toString();

const log = (...args) => console.error('console_bench:', ...args);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function stats(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return { n: 0 };
  const at = (p) => v[Math.min(v.length - 1, Math.floor(p * v.length))];
  const round = (x) => Math.round(x * 10) / 10;
  return { n: v.length, median: round(at(0.5)), p90: round(at(0.9)), min: round(v[0]),
           max: round(v[v.length - 1]) };
}

// Runs in every document the coordinator's tabs load, before the console's
// own script: records when each API call started and when its response
// headers came (the watch's headers are the moment it is live), and when
// the worklist's table first holds ROWS rows.
function instrument(rows) {
  const calls = [];
  const realFetch = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input.url;
    const call = { path: new URL(url, location.href).pathname, start: performance.now() };
    calls.push(call);
    return realFetch(input, init).then((res) => {
      call.headers = performance.now();
      call.live = res.headers.get('safeguard-watch') === 'live';
      return res;
    });
  };
  const bench = { calls, rowsAt: null, frameAt: null, armed: null, seen: null };
  window.__sgBench = bench;
  const check = () => {
    if (bench.rowsAt === null &&
        document.querySelectorAll('#worklist tbody tr').length >= rows) {
      bench.rowsAt = performance.now();
      requestAnimationFrame(() => { bench.frameAt = performance.now(); });
    }
    const a = bench.armed;
    if (a && bench.seen === null) {
      const cells = document.querySelector(`#worklist tr[data-name="${a.name}"]`)?.cells;
      if (cells && cells[cells.length - 1].textContent === a.text) {
        bench.seen = performance.timeOrigin + performance.now();
      }
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true });
}

// One fresh load of the worklist in a new tab; the figures in ms from the
// navigation's start.
async function coldLoad(browsers) {
  const page = await browsers.page('coordinator');
  await page.evaluateOnNewDocument(instrument, ROWS);
  const r = await loadFigures(page, () => page.goto(WORKLIST, { waitUntil: 'domcontentloaded' }));
  await page.close();
  return r;
}

// The worklist reloaded in the tab that shows it (the browser's reload):
// the tab's renderer and the browser's memory of the console are kept.
async function reloadLoad(page) {
  return loadFigures(page, () => page.reload({ waitUntil: 'domcontentloaded' }));
}

async function loadFigures(page, navigate) {
  const before = Date.now();
  await navigate();
  await page.waitForFunction(() => window.__sgBench?.frameAt != null, { timeout: 30000 });
  const r = await page.evaluate(() => {
    const b = window.__sgBench;
    const nav = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource');
    const ends = (pattern) => res.find((e) => pattern.test(e.name))?.responseEnd ?? null;
    const api = (name) => b.calls.find((c) => c.path.endsWith(name)) ?? null;
    const info = api('/GetServerInfo');
    const watch = api('/WatchReferrals');
    const list = api('/ListReferrals');
    const listTiming = res.find((e) => e.name.endsWith('/ListReferrals'));
    const infoTiming = res.find((e) => e.name.endsWith('/GetServerInfo'));
    return {
      wallOrigin: performance.timeOrigin,
      html: nav.responseEnd,
      css: ends(/\/assets\/console\.[0-9A-Za-z]+\.css$/),
      js: ends(/\/assets\/console\.[0-9A-Za-z]+\.js$/),
      domContentLoaded: nav.domContentLoadedEventEnd,
      infoStart: info?.start, infoEnd: infoTiming?.responseEnd ?? info?.headers,
      watchStart: watch?.start, watchLive: watch?.live ? watch.headers : null,
      listStart: list?.start, listEnd: listTiming?.responseEnd ?? list?.headers,
      rows: b.rowsAt, frame: b.frameAt,
      transferred: res.reduce((s, e) => s + (e.transferSize || 0), 0) + (nav.transferSize || 0),
    };
  });
  // From just before page.goto, by the same wall clock, for comparison.
  r.fromGoto = r.wallOrigin + r.rows - before;
  return r;
}

// The worklist reopened from the home screen without reloading the bundle.
async function warmLoad(page) {
  return page.evaluate(async (rows) => {
    const b = window.__sgBench;
    const until = (fn) => new Promise((resolve, reject) => {
      const start = performance.now();
      const tick = () => {
        if (fn()) resolve();
        else if (performance.now() - start > 30000) reject(new Error('timed out'));
        else setTimeout(tick, 2);
      };
      tick();
    });
    location.hash = '#/';
    await until(() => !document.querySelector('#worklist') &&
                      document.querySelector('main h1') !== null);
    await new Promise((r) => setTimeout(r, 200));
    performance.clearResourceTimings();
    b.rowsAt = null;
    const from = b.calls.length;
    const start = performance.now();
    location.hash = '#/worklist';
    await until(() => b.rowsAt !== null);
    const api = (name) => b.calls.slice(from).find((c) => c.path.endsWith(name));
    const watch = api('/WatchReferrals');
    const list = api('/ListReferrals');
    const res = performance.getEntriesByType('resource');
    const listTiming = [...res].reverse().find((e) => e.name.endsWith('/ListReferrals'));
    return { rows: b.rowsAt - start, watchLive: watch?.live ? watch.headers - start : null,
             listStart: list ? list.start - start : null,
             listEnd: listTiming && listTiming.startTime >= start ? listTiming.responseEnd - start : null };
  }, ROWS);
}

// What the renderer's main thread does during a fresh load, from a
// Chromium trace of a few more loads (not among the timed ones): the total
// of each kind of task per load, in ms. The kinds nest (a script's compile
// is inside its evaluation; a function call's style recalculation inside
// the call), so they do not add up.
const TRACED = ['ParseHTML', 'ParseAuthorStyleSheet', 'v8.compileModule', 'v8.evaluateModule',
  'EvaluateScript', 'v8.compile', 'FunctionCall', 'RunMicrotasks', 'TimerFire', 'EventDispatch',
  'UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'MajorGC', 'MinorGC'];
// SAFEGUARD_BENCH_TRACE_DIR keeps each traced load's trace there, with the
// JavaScript sampling profile, to open in Chromium's performance panel.
const keepTrace = process.env.SAFEGUARD_BENCH_TRACE_DIR || '';
const traceCategories = ['devtools.timeline', 'v8'].concat(keepTrace
  ? ['disabled-by-default-devtools.timeline', 'disabled-by-default-v8.cpu_profiler'] : []);
async function traceLoads(browsers, loads) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'console-trace-')), 'trace.json');
  const totals = {};
  try {
    for (let i = 0; i < loads; i++) {
      const page = await browsers.page('coordinator');
      await page.evaluateOnNewDocument(instrument, ROWS);
      await page.tracing.start({ path: file, categories: traceCategories });
      await page.goto(WORKLIST, { waitUntil: 'domcontentloaded' });
      await page.waitForFunction(() => window.__sgBench?.rowsAt != null, { timeout: 30000 });
      await page.tracing.stop();
      await page.close();
      if (keepTrace) fs.copyFileSync(file, path.join(keepTrace, `trace-${i}.json`));
      const trace = JSON.parse(fs.readFileSync(file, 'utf8'));
      const events = trace.traceEvents ?? trace;
      // The renderer's main thread(s): their tasks only.
      const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' &&
                                                 e.args?.name === 'CrRendererMain')
                                  .map((e) => `${e.pid}:${e.tid}`));
      for (const e of events) {
        if (e.ph !== 'X' || !e.dur || !mains.has(`${e.pid}:${e.tid}`)) continue;
        if (TRACED.includes(e.name)) totals[e.name] = (totals[e.name] ?? 0) + e.dur / 1000;
      }
    }
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
  const out = { loads };
  for (const [k, v] of Object.entries(totals).sort((a, b) => b[1] - a[1])) {
    out[k] = Math.round(v / loads * 10) / 10;
  }
  return out;
}

async function main() {
  const identities = {
    coordinator: { certPath: required('SAFEGUARD_ID_COORDINATOR_CERT'),
                   keyPath: required('SAFEGUARD_ID_COORDINATOR_KEY') },
    other: { certPath: required('SAFEGUARD_ID_OTHER_CERT'), keyPath: required('SAFEGUARD_ID_OTHER_KEY') },
  };
  const browsers = await startBrowsers({ origin, caCertPath, identities });
  try {
    // One load first, not counted: the browser's own start-up work.
    await coldLoad(browsers);
    const cold = [];
    for (let i = 0; i < iterations; i++) {
      cold.push(await coldLoad(browsers));
      await sleep(100);
    }
    const rel = (r, a, b) => (r[a] != null && r[b] != null ? r[b] - r[a] : null);
    const worklistCold = {
      rows_on_screen_ms: stats(cold.map((r) => r.rows)),
      from_goto_ms: stats(cold.map((r) => r.fromGoto)),
      next_frame_ms: stats(cold.map((r) => r.frame)),
      // Where the time goes, each from the navigation's start.
      steps_ms: {
        html_received: stats(cold.map((r) => r.html)),
        css_received: stats(cold.map((r) => r.css)),
        js_received: stats(cold.map((r) => r.js)),
        dom_content_loaded: stats(cold.map((r) => r.domContentLoaded)),
        server_info_sent: stats(cold.map((r) => r.infoStart)),
        server_info_received: stats(cold.map((r) => r.infoEnd)),
        watch_sent: stats(cold.map((r) => r.watchStart)),
        watch_live: stats(cold.map((r) => r.watchLive)),
        list_received: stats(cold.map((r) => r.listEnd)),
        rows_in_dom: stats(cold.map((r) => r.rows)),
      },
      // The length of each step.
      durations_ms: {
        bundle: stats(cold.map((r) => r.domContentLoaded)),
        server_info: stats(cold.map((r) => rel(r, 'infoStart', 'infoEnd'))),
        server_info_to_watch: stats(cold.map((r) => rel(r, 'infoEnd', 'watchStart'))),
        watch_until_live: stats(cold.map((r) => rel(r, 'watchStart', 'watchLive'))),
        list: stats(cold.map((r) => rel(r, 'listStart', 'listEnd'))),
        draw: stats(cold.map((r) => rel(r, 'listEnd', 'rows'))),
      },
      bytes_transferred: stats(cold.map((r) => r.transferred)),
    };
    log('cold', JSON.stringify(worklistCold.rows_on_screen_ms));
    worklistCold.main_thread_ms_per_load = await traceLoads(browsers, Math.min(5, iterations));
    log('main thread', JSON.stringify(worklistCold.main_thread_ms_per_load));

    // Reloads of one tab.
    const reloading = await browsers.page('coordinator');
    await reloading.evaluateOnNewDocument(instrument, ROWS);
    await loadFigures(reloading, () => reloading.goto(WORKLIST, { waitUntil: 'domcontentloaded' }));
    const reloads = [];
    for (let i = 0; i < iterations; i++) {
      reloads.push(await reloadLoad(reloading));
      await sleep(100);
    }
    await reloading.close();
    const worklistReload = {
      rows_on_screen_ms: stats(reloads.map((r) => r.rows)),
      js_received_ms: stats(reloads.map((r) => r.js)),
      dom_content_loaded_ms: stats(reloads.map((r) => r.domContentLoaded)),
      list_received_ms: stats(reloads.map((r) => r.listEnd)),
    };
    log('reload', JSON.stringify(worklistReload.rows_on_screen_ms));

    // The coordinator's page stays open from here on.
    const page = await browsers.page('coordinator');
    await page.evaluateOnNewDocument(instrument, ROWS);
    await page.goto(WORKLIST, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.__sgBench?.rowsAt != null &&
        document.querySelector('#live-status')?.textContent.startsWith('Live'), { timeout: 30000 });

    const warm = [];
    for (let i = 0; i < iterations; i++) warm.push(await warmLoad(page));
    await page.waitForFunction(() =>
      document.querySelector('#live-status')?.textContent.startsWith('Live'), { timeout: 30000 });
    const worklistWarm = {
      rows_on_screen_ms: stats(warm.map((r) => r.rows)),
      watch_live_ms: stats(warm.map((r) => r.watchLive)),
      list_received_ms: stats(warm.map((r) => r.listEnd)),
    };
    log('warm', JSON.stringify(worklistWarm.rows_on_screen_ms));

    // The other caller, in its own browser, on the console.
    const lead = await browsers.page('other');
    await lead.goto(new URL('/#/', origin).toString(), { waitUntil: 'load' });
    const api = (p, method, body) => p.evaluate(async (m, b) => {
      const sent = performance.timeOrigin + performance.now();
      const r = await fetch(`/safeguard.v1.${m}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Connect-Protocol-Version': '1' },
        body: JSON.stringify(b),
      });
      const json = await r.json();
      const acked = performance.timeOrigin + performance.now();
      return { status: r.status, body: json, sent, acked };
    }, method, body);
    // The rows on the coordinator's page, with their versions.
    const shown = await page.evaluate(() =>
      [...document.querySelectorAll('#worklist tbody tr')].map((tr) => tr.dataset.name));
    const theirs = await api(lead, 'Referrals/ListReferrals', { pageSize: 100, orderBy: 'BY_DEADLINE' });
    if (theirs.status !== 200) throw new Error(`ListReferrals as the other caller: ${JSON.stringify(theirs.body)}`);
    const known = new Map((theirs.body.referrals || []).map((r) => [r.name, r]));
    const targets = shown.filter((n) => known.has(n)).map((n) => known.get(n));
    if (targets.length === 0) throw new Error('the other caller sees none of the rows on the worklist');

    const ackToScreen = [];
    const sendToScreen = [];
    const sendToAck = [];
    for (let i = 0; i < iterations; i++) {
      const r = targets[i % targets.length];
      const next = r.assignee ? '' : assignee;
      await page.evaluate((name, text) => {
        window.__sgBench.seen = null;
        window.__sgBench.armed = { name, text };
      }, r.name, next || 'No one');
      const res = await api(lead, 'Referrals/AssignReferral',
                            { name: r.name, assignee: next, version: r.version });
      if (res.status !== 200) throw new Error(`AssignReferral: ${JSON.stringify(res.body)}`);
      r.version = res.body.version;
      r.assignee = res.body.assignee || '';
      await page.waitForFunction(() => window.__sgBench.seen !== null, { timeout: 10000 });
      const seen = await page.evaluate(() => window.__sgBench.seen);
      ackToScreen.push(seen - res.acked);
      sendToScreen.push(seen - res.sent);
      sendToAck.push(res.acked - res.sent);
      await sleep(150);
    }
    const liveUpdate = {
      change: 'AssignReferral (assign or unassign) of a row on the page, by another session',
      ack_to_screen_ms: stats(ackToScreen),
      send_to_screen_ms: stats(sendToScreen),
      send_to_ack_ms: stats(sendToAck),
      drawn_before_ack: ackToScreen.filter((x) => x <= 0).length,
      rows_on_page: shown.length,
    };
    log('live', JSON.stringify(liveUpdate.ack_to_screen_ms));
    await lead.close();
    await page.close();
    const chromium = await browsers.browser('coordinator').version();
    console.log(JSON.stringify({ chromium, iterations, worklist_cold: worklistCold,
                                 worklist_reload: worklistReload, worklist_warm: worklistWarm,
                                 live_update: liveUpdate }));
  } finally {
    await browsers.close();
  }
}

main().catch((err) => {
  console.error(`console_bench: ${err.stack || err}`);
  process.exit(1);
});
