// The console's journeys: each test(...) below is one journey, in the
// browsers of the identities tests/integration/console_test.cc issues.
//
// Inputs (environment):
//   SAFEGUARD_ORIGIN                 https://127.0.0.1:PORT (the server's HTTPS listener)
//   SAFEGUARD_CA                     the CA certificate the server's certificate chains to
//   SAFEGUARD_ID_<ROLE>_CERT / _KEY  one client certificate and key per role, e.g.
//                                    SAFEGUARD_ID_REFERRER_CERT; the role is the lower-cased
//                                    <ROLE> ("referrer", "coordinator", "auditor", ...)
//   SAFEGUARD_SCREENSHOTS=1          also write docs/console/<name>.png
//   SAFEGUARD_JOURNEYS=<regex>       run only the journeys whose names match (the others are
//                                    skipped), e.g. "^people" through ctest, which cannot pass
//                                    node's --test-name-pattern
//
// Run by hand: node journeys.mjs   (one journey: node --test-name-pattern=smoke journeys.mjs)
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test as nodeTest } from 'node:test';
import {
  checkAxe, clearProblems, expectNoProblems, expectText, pressKey, screenshot, startBrowsers, tabUntil, visit,
  waitFor,
} from './harness.mjs';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (see the top of journeys.mjs)`);
  return value;
}

const origin = required('SAFEGUARD_ORIGIN');
const caCertPath = required('SAFEGUARD_CA');
const identities = {};
for (const [name, certPath] of Object.entries(process.env)) {
  const m = /^SAFEGUARD_ID_([A-Z0-9_]+)_CERT$/.exec(name);
  if (m) {
    identities[m[1].toLowerCase()] = { certPath, keyPath: required(`SAFEGUARD_ID_${m[1]}_KEY`) };
  }
}
const roles = Object.keys(identities).sort();
if (roles.length === 0) throw new Error('no SAFEGUARD_ID_<ROLE>_CERT is set');

// The journeys SAFEGUARD_JOURNEYS names, or all of them.
const chosen = process.env.SAFEGUARD_JOURNEYS ? new RegExp(process.env.SAFEGUARD_JOURNEYS) : null;
const test = (name, options, fn) => (chosen && !chosen.test(name)
  ? nodeTest.skip(name, options, fn) : nodeTest(name, options, fn));

// A browser that trusts the CA but holds no client certificate.
const NO_CERTIFICATE = 'no-certificate';

// ---- Shared steps ------------------------------------------------------------

// Calls the Connect API from inside `page` (so as the page's identity, with
// its client certificate), in JSON; returns {status, body}.
async function callApi(page, method, body) {
  return page.evaluate(async (m, b) => {
    const r = await fetch(`/safeguard.v1.${m}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Connect-Protocol-Version': '1' },
      body: JSON.stringify(b),
    });
    return { status: r.status, body: await r.json() };
  }, method, body);
}

async function apiOk(page, method, body) {
  const r = await callApi(page, method, body);
  assert.equal(r.status, 200, `${method}: ${JSON.stringify(r.body)}`);
  return r.body;
}

// Opens a screen of the console (the part after #) in a fresh load. The
// worklist holds a watch stream open, so the network never goes idle: wait
// for the load, then for the screen's heading.
async function open(page, hashPath, heading) {
  await page.goto(new URL(`/#${hashPath}`, origin).toString(), { waitUntil: 'load' });
  if (heading) await expectText(page, 'main h1', heading);
}

// The leaf paths of a referral as the API returned it in JSON: a message's
// scalar fields, lists of scalars as one leaf, partial dates as one leaf;
// lists of messages by index. The name, the version, and what the caller
// may do (availableActions, assignable) are not fields of the referral the
// page lists.
const META = new Set(['name', 'version', 'availableActions', 'assignable']);
function leafPaths(value, prefix = '') {
  const out = [];
  for (const [key, v] of Object.entries(value)) {
    if (!prefix && META.has(key)) continue;
    const p = prefix ? `${prefix}.${key}` : key;
    const isDate = v && typeof v === 'object' && !Array.isArray(v) &&
        'year' in v && Object.keys(v).every((k) => ['year', 'month', 'day'].includes(k));
    if (isDate) out.push(p);
    else if (Array.isArray(v) && v.some((x) => x && typeof x === 'object')) {
      v.forEach((item, i) => out.push(...leafPaths(item, `${p}[${i}]`)));
    } else if (v && typeof v === 'object' && !Array.isArray(v)) out.push(...leafPaths(v, p));
    else out.push(p);
  }
  return out;
}

// Need-to-know in the browser: the page's DOM holds exactly the fields the
// API returns to this identity for the referral, each visible (nothing kept
// in the page and hidden by CSS).
async function expectPageHoldsExactlyTheView(page, name) {
  const view = await apiOk(page, 'Referrals/GetReferral', { name });
  const expected = [...new Set(leafPaths(view))].sort();
  const shown = await page.$$eval('[data-field]', (els) =>
    els.map((e) => ({ field: e.dataset.field, visible: e.checkVisibility() })));
  assert.deepEqual([...new Set(shown.map((s) => s.field))].sort(), expected);
  assert.deepEqual(shown.filter((s) => !s.visible).map((s) => s.field), []);
  return { view, shown: expected };
}

// Sets a form field by its name (an API path): text, select, radio or
// checkbox (value to check), as typing and clicking would.
async function setField(page, name, value) {
  await setFieldIn(page, 'body', name, value);
}

// setField within the element `scope` matches (a case, an agency's form,
// an action), where the same form repeats on the page.
async function setFieldIn(page, scope, name, value) {
  await waitFor(page, scope);
  await page.$eval(scope, (root, n, v) => {
    const els = [...root.querySelectorAll(`[name="${CSS.escape(n)}"]`)];
    if (els.length === 0) throw new Error(`no field named ${n}`);
    for (const el of els) {
      if (el.type === 'radio' || el.type === 'checkbox') {
        if (el.value === v) { el.checked = true; el.dispatchEvent(new Event('change', { bubbles: true })); }
      } else {
        el.value = v;
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
      }
    }
  }, name, value);
}

async function clickAndWait(page, selector) {
  await waitFor(page, selector);
  await page.click(selector);
}

// A worklist's watch stream is cancelled when the page moves on: the
// browser reports that as an aborted request, which is not a fault.
const LEFT_THE_WORKLIST = /WatchReferrals: net::ERR_ABORTED/;
function expectNoFaults(page) {
  expectNoProblems(page, { ignore: [LEFT_THE_WORKLIST] });
}

function idOf(name) { return name.replace(/^referrals\//, ''); }

// A MARAC referral in west-suffolk with MARAC_YES yes answers of the
// server's question set `set`: the victim, the perpetrator, and any more
// of the form (children).
function maracReferral(set, victim, perpetrator, more = {}) {
  return {
    kind: 'MARAC', area: 'west-suffolk', priority: 'HIGH',
    subjects: [victim],
    consent: { status: 'GIVEN', givenBy: 'SUBJECT' },
    marac: {
      perpetrator, relationship: 'ex-partner', ...more,
      dash: { questionSetVersion: set.version,
              answers: set.questions.map((_, i) => (i < MARAC_YES ? 'YES' : 'NO')) },
    },
  };
}

// A target-hardening job in west-suffolk for `subject` at one address line.
function jobReferral(subject, line, postcode) {
  return {
    kind: 'TARGET_HARDENING', area: 'west-suffolk', priority: 'HIGH',
    subjects: [subject],
    consent: { status: 'GIVEN', givenBy: 'SUBJECT' },
    targetHardening: {
      address: { lines: [line], town: 'Bury St Edmunds', postcode },
      measuresRequested: ['LOCKS'], tenure: 'OWNER_OCCUPIER', scheme: 'suffolk-target-hardening',
    },
  };
}

const MARAC_YES = 15;  // visible high risk at 14 or more
const TODAY = new Date();
const NEXT_MONTH = new Date(TODAY.getTime() + 30 * 86400000);

// Shared between journeys, in order.
const shared = {};

// One test per journey, one after another, in the same set of browsers.
describe('console', { concurrency: false }, () => {
  let browsers;
  before(async () => {
    browsers = await startBrowsers({
      origin, caCertPath, identities: { ...identities, [NO_CERTIFICATE]: null },
    });
  });
  after(async () => { await browsers?.close(); });

  test('smoke: every identity loads the console, accessibly', { timeout: 180000 }, async (t) => {
    for (const role of roles) {
      await t.test(role, async () => {
        const page = await browsers.page(role);
        try {
          await visit(page, origin, '/');
          const title = await page.title();
          assert.ok(title.trim(), `${role}: the page has no <title>`);
          assert.ok(await page.$('main'), `${role}: the page has no <main>`);
          await checkAxe(page, `/ as ${role}`);
          if (role === 'lead') await screenshot(page, 'home');
          expectNoProblems(page);
        } finally {
          await page.close();
        }
      });
    }
  });

  test('MARAC: a referrer submits, three answers wrong then right; the coordinator sees it arrive live, assigns it and works it',
    { timeout: 240000 }, async () => {
    const coord = await browsers.page('coordinator');
    const ref = await browsers.page('referrer');
    // The coordinator's worklist is open and live before the referral exists.
    await open(coord, '/worklist', 'Worklist');
    await expectText(coord, '#live-status', 'Live: new and changed referrals appear here');
    await checkAxe(coord, 'worklist (coordinator)');

    await open(ref, '/submit', 'Submit a referral');
    await checkAxe(ref, 'choose a kind');
    await setField(ref, 'kind', 'marac');
    await ref.click('#choose-kind');
    await expectText(ref, 'main h1', 'MARAC referral');
    await setField(ref, 'referral.area', 'west-suffolk');
    await setField(ref, 'referral.priority', '3');
    await setField(ref, 'referral.marac.perpetrator.full_name', 'Perpetrator Example');
    // The victim's NHS number, its check digit wrong.
    await setField(ref, 'referral.subjects[0].identifiers.nhs_number', '943 476 5918');
    for (let i = 0; i < 24; i++) {
      await setField(ref, `referral.marac.dash.answers[${i}]`, i < MARAC_YES ? '1' : '2');
    }
    await setField(ref, 'referral.consent.status', '1');
    await setField(ref, 'referral.consent.given_by', '1');
    // Equality monitoring (optional): each answer "Not recorded" until given.
    assert.deepEqual(await ref.$$eval('[data-field-group^="referral.marac.victim."]', (gs) => gs.map((g) => [
      g.querySelector('.govuk-fieldset__legend, .govuk-label').innerText.trim(),
      g.querySelector('select')?.selectedOptions[0].text ?? g.querySelector('input:checked + label').innerText.trim()])),
    [['Age', 'Not recorded'], ['Sex', 'Not recorded'], ['Ethnic group', 'Not recorded'], ['Disability', 'Not recorded'],
     ['LGBT+', 'Not recorded']]);
    await setField(ref, 'referral.marac.victim.age_band', '3');
    await setField(ref, 'referral.marac.victim.sex', '1');
    await setField(ref, 'referral.marac.victim.ethnicity_group', '4');
    await setField(ref, 'referral.marac.victim.disability', '2');
    await setField(ref, 'referral.marac.victim.lgbt', '3');
    await expectText(ref, '#dash-score',
      'DASH score: 15 of 24 (24 answered). Meets the MARAC criteria: visible high risk (14 or more yes answers).');
    await ref.$eval('.app-dash-score', (e) => e.closest('div').previousElementSibling.previousElementSibling.scrollIntoView());
    await screenshot(ref, 'submit-marac', { fullPage: false });
    const requestId = await ref.$eval('form[data-request-id]', (f) => f.dataset.requestId);

    // The victim's name and the relationship are missing and the NHS number
    // is wrong: the server names the three fields (the NHS number by its
    // place in the list sent), and the page puts each message beside its
    // field.
    await ref.click('#submit-referral');
    await waitFor(ref, '.govuk-error-summary');
    const summary = await ref.$$eval('.govuk-error-summary__list li', (lis) => lis.map((li) => li.innerText.trim()));
    const BAD_NHS = 'The victim: NHS number (optional): is not an NHS number: 10 digits, the last its check digit';
    assert.deepEqual(summary, [
      BAD_NHS,
      'The victim: full name: is required (the victim)',
      'Relationship of the perpetrator to the victim: is required',
    ]);
    const inline = await ref.$$eval('.govuk-form-group--error', (gs) => gs.map((g) => [
      g.dataset.fieldGroup, g.querySelector('.govuk-error-message')?.innerText.replace(/\s+/g, ' ').trim()]));
    assert.deepEqual(inline, [
      ['referral.subjects[0].full_name', 'Error: The victim: full name: is required (the victim)'],
      ['referral.subjects[0].identifiers[0]', `Error: ${BAD_NHS}`],
      ['referral.marac.relationship', 'Error: Relationship of the perpetrator to the victim: is required'],
    ]);
    assert.equal(await ref.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary')), true);
    await checkAxe(ref, 'MARAC form with errors');
    await ref.evaluate(() => window.scrollTo(0, 0));
    await screenshot(ref, 'submit-marac-errors', { fullPage: false });
    clearProblems(ref);  // the refusal (HTTP 400) was the point

    await setField(ref, 'referral.subjects[0].full_name', 'Victim Example');
    await setField(ref, 'referral.subjects[0].identifiers.nhs_number', '943 476 5919');
    await setField(ref, 'referral.marac.relationship', 'ex-partner');
    assert.equal(await ref.$eval('form[data-request-id]', (f) => f.dataset.requestId), requestId,
      'a resubmission of the same form keeps its request id');
    await ref.click('#submit-referral');
    await expectText(ref, '.govuk-panel__title', 'Referral submitted');
    const reference = await ref.$eval('#reference', (e) => e.innerText.trim());
    assert.match(reference, /^MAR-\d{4}-\d{6}$/);
    await checkAxe(ref, 'submitted');
    await screenshot(ref, 'submitted');
    const link = await ref.$eval('main a[href^="#/referrals/"]', (a) => a.getAttribute('href'));
    shared.marac = { name: `referrals/${link.slice('#/referrals/'.length)}`, reference };

    // The referrer's own list shows it with its state and deadline column.
    await open(ref, '/worklist', 'Your referrals');
    await expectText(ref, '#worklist', reference);
    await expectText(ref, `#worklist tr[data-name="${shared.marac.name}"]`, 'Submitted');

    // Live: the row appeared on the coordinator's open worklist, marked new.
    const row = `#worklist tr[data-name="${shared.marac.name}"]`;
    await expectText(coord, row, `${reference} New`);
    await expectText(coord, '#worklist-announcer', `${reference} added`);
    await screenshot(coord, 'worklist');

    // Assign it from the worklist (the selection form takes several rows).
    await coord.click(`#select-${idOf(shared.marac.name)}`);
    await coord.click('#assign-selected');
    await expectText(coord, '.govuk-notification-banner',
      `Assigned to suffolk-county-council/person/marac-coordinator: ${reference}`);
    await expectText(coord, row, 'suffolk-county-council/person/marac-coordinator');

    // The referral page: exactly the coordinator's view, and its actions.
    await coord.click(`${row} a`);
    await expectText(coord, 'main h1', `${reference}: MARAC`);
    const { shown, view: caseView } = await expectPageHoldsExactlyTheView(coord, shared.marac.name);
    assert.ok(shown.includes('marac.dash.answers') && shown.includes('subjects[0].fullName'));
    // The NHS number, under its name.
    assert.deepEqual(caseView.subjects[0].identifiers, [{ type: 'NHS_NUMBER', value: '943 476 5919' }]);
    assert.deepEqual(await coord.$eval('dd[data-field="subjects[0].identifiers[0].value"]', (dd) =>
      [dd.previousElementSibling.innerText.trim(), dd.innerText.trim()]), ['NHS number', '943 476 5919']);
    // The equality monitoring answers, in words.
    assert.deepEqual(caseView.marac.victim, { ageBand: 'AGE_25_34', sex: 'FEMALE', ethnicityGroup: 'WHITE',
      disability: 'ANSWER_NO', lgbt: 'ANSWER_PREFER_NOT_TO_SAY' });
    assert.deepEqual(await coord.$$eval('dd[data-field^="marac.victim."]', (dds) => dds.map((dd) =>
      [dd.previousElementSibling.innerText.trim(), dd.innerText.trim()])), [
      ['Equality monitoring: age band', '25 to 34'], ['Equality monitoring: sex', 'Female'],
      ['Equality monitoring: ethnic group', 'White'], ['Equality monitoring: disability', 'No'],
      ['Equality monitoring: LGBT+', 'Prefer not to say']]);
    await checkAxe(coord, 'referral (coordinator)');
    await screenshot(coord, 'referral');
    await clickAndWait(coord, 'button[data-action="begin_screening"]');
    await clickAndWait(coord, '#take-action');
    await expectText(coord, '.govuk-notification-banner',
      'Begin screening: done. The referral is now coordinator screen.');
    await expectText(coord, '#history-title + .moj-timeline', 'Begin screening');

    // Someone else changes it while the page is open: the next action is
    // refused with a plain message and a way to reload.
    const other = await browsers.page('coordinator');
    await open(other, '/', 'Your safeguard');
    const current = await apiOk(other, 'Referrals/GetReferral', { name: shared.marac.name });
    await apiOk(other, 'Referrals/AssignReferral', { name: shared.marac.name, assignee: '', version: current.version });
    await other.close();
    await clickAndWait(coord, 'button[data-action="list"]');
    await waitFor(coord, '[name="meeting.meeting_date.day"]');  // no meeting yet: a date
    await setField(coord, 'meeting.meeting_date.day', String(NEXT_MONTH.getDate()));
    await setField(coord, 'meeting.meeting_date.month', String(NEXT_MONTH.getMonth() + 1));
    await setField(coord, 'meeting.meeting_date.year', String(NEXT_MONTH.getFullYear()));
    await coord.click('#take-action');
    await expectText(coord, '.govuk-error-summary',
      'This referral was changed by someone else: reload it and try again.');
    await checkAxe(coord, 'version conflict');
    clearProblems(coord);  // the conflict (HTTP 409) was the point
    await coord.click('#reload-referral');
    await expectText(coord, 'main', 'Not assigned.');
    await clickAndWait(coord, 'button[data-action="list"]');
    await waitFor(coord, '[name="meeting.meeting_date.day"]');  // no meeting yet: a date
    await setField(coord, 'meeting.meeting_date.day', String(NEXT_MONTH.getDate()));
    await setField(coord, 'meeting.meeting_date.month', String(NEXT_MONTH.getMonth() + 1));
    await setField(coord, 'meeting.meeting_date.year', String(NEXT_MONTH.getFullYear()));
    await coord.click('#take-action');
    await expectText(coord, '.govuk-notification-banner', 'List: done. The referral is now listed.');

    // What the victim says later is recorded as a correction: the equality
    // answers show as read, one is changed, and the history names it alone.
    await open(coord, `/referrals/${idOf(shared.marac.name)}/correct`, 'Correct details');
    assert.equal(await coord.$eval('[name="referral.marac.victim.disability"]:checked', (i) =>
      i.nextElementSibling.innerText.trim()), 'No');
    await setField(coord, 'referral.marac.victim.disability', '1');
    await checkAxe(coord, 'correct details form (MARAC)');
    await coord.click('#save-corrections');
    await expectText(coord, '.govuk-notification-banner', 'Details corrected.');
    const corrected = await apiOk(coord, 'Referrals/GetReferral', { name: shared.marac.name });
    assert.equal(corrected.marac.victim.disability, 'ANSWER_YES');
    assert.deepEqual(corrected.history.filter((t) => t.action === 'correct').map((t) => t.changes.map((c) => c.path)),
      [['marac.victim.disability']]);
    expectNoFaults(coord);
    expectNoFaults(ref);
    await coord.close();
    await ref.close();
  });

  test('target hardening: the contractor sees its job with only the address, access and measures, books the survey and records the installation; the coordinator adds a note',
    { timeout: 180000 }, async () => {
    const ref = await browsers.page('referrer');
    const sanctuary = await browsers.page('sanctuary');
    const contractor = await browsers.page('contractor');
    await open(ref, '/', 'Your safeguard');
    await open(sanctuary, '/', 'Your safeguard');
    const submitted = await apiOk(ref, 'Referrals/SubmitReferral', {
      requestId: randomUUID(),
      referral: {
        kind: 'TARGET_HARDENING', area: 'west-suffolk', priority: 'HIGH',
        subjects: [{ fullName: 'Victim Example', safeContact: { channels: ['PHONE'], phone: '07700 900123', times: 'mornings' } }],
        consent: { status: 'GIVEN', givenBy: 'SUBJECT' },
        targetHardening: {
          address: { lines: ['1 Example Road'], town: 'Bury St Edmunds', postcode: 'IP33 1AA' },
          accessInstructions: 'Side gate', measuresRequested: ['LOCKS', 'VIDEO_DOORBELL'],
          tenure: 'OWNER_OCCUPIER', scheme: 'suffolk-target-hardening',
        },
      },
    });
    let r = await apiOk(sanctuary, 'Referrals/TransitionReferral', { name: submitted.name, action: 'begin_eligibility', version: submitted.version });
    r = await apiOk(sanctuary, 'Referrals/TransitionReferral', { name: r.name, action: 'accept', version: r.version });
    r = await apiOk(sanctuary, 'Referrals/AssignReferral', { name: r.name, assignee: 'safe-partnership/person/locksmith', version: r.version });

    await open(contractor, '/worklist', 'Your jobs');
    const row = `#worklist tr[data-name="${r.name}"]`;
    await expectText(contractor, row, submitted.reference);
    await checkAxe(contractor, 'jobs (contractor)');
    await screenshot(contractor, 'jobs');
    await contractor.click(`${row} a`);
    await expectText(contractor, 'main h1', `${submitted.reference}: Target hardening`);
    const { shown } = await expectPageHoldsExactlyTheView(contractor, r.name);
    assert.deepEqual(shown, [
      'deadline', 'kind', 'reference',
      'state',
      'subjects[0].safeContact.channels', 'subjects[0].safeContact.phone', 'subjects[0].safeContact.times',
      'targetHardening.accessInstructions', 'targetHardening.address.lines',
      'targetHardening.address.postcode', 'targetHardening.address.town',
      'targetHardening.measuresRequested',
    ].sort());
    const text = await contractor.$eval('main', (m) => m.innerText);
    assert.ok(!text.includes('Victim Example'), 'the contractor saw the victim\'s name');
    assert.ok(text.includes('1 Example Road') && text.includes('Video doorbell'));
    await checkAxe(contractor, 'job (contractor)');
    await screenshot(contractor, 'job');

    await clickAndWait(contractor, 'button[data-action="book_survey"]');
    await setField(contractor, 'appointment.appointment_time.day', String(NEXT_MONTH.getDate()));
    await setField(contractor, 'appointment.appointment_time.month', String(NEXT_MONTH.getMonth() + 1));
    await setField(contractor, 'appointment.appointment_time.year', String(NEXT_MONTH.getFullYear()));
    await setField(contractor, 'appointment.appointment_time.time', '10:30');
    await contractor.click('#take-action');
    await expectText(contractor, '.govuk-notification-banner', 'Book survey: done. The referral is now survey booked.');
    await expectText(contractor, '[data-field="targetHardening.appointmentTime"]', '10:30');

    // The survey done, and the works ordered by the coordinator, the
    // contractor records what it fitted.
    await clickAndWait(contractor, 'button[data-action="record_survey"]');
    await contractor.click('#take-action');
    await expectText(contractor, '.govuk-notification-banner', 'Record survey: done. The referral is now surveyed.');
    r = await apiOk(sanctuary, 'Referrals/GetReferral', { name: r.name });
    r = await apiOk(sanctuary, 'Referrals/TransitionReferral', { name: r.name, action: 'order_works', version: r.version });
    await contractor.reload({ waitUntil: 'load' });
    await expectText(contractor, '[data-field="state"]', 'Works ordered');
    await clickAndWait(contractor, 'button[data-action="record_installation"]');
    await checkAxe(contractor, 'record installation (contractor)');
    await setField(contractor, 'installation.measures_installed', '1');   // locks
    await setField(contractor, 'installation.measures_installed', '5');   // video doorbell
    await contractor.click('#take-action');
    await expectText(contractor, '.govuk-notification-banner',
                     'Record installation: done. The referral is now installed.');
    await expectText(contractor, '[data-field="targetHardening.measuresInstalled"]', 'Locks');
    await expectText(contractor, '[data-field="targetHardening.measuresInstalled"]', 'Video doorbell');
    const installed = await apiOk(sanctuary, 'Referrals/GetReferral', { name: r.name });
    assert.equal(installed.state, 'INSTALLED');
    assert.deepEqual(installed.targetHardening.measuresInstalled, ['LOCKS', 'VIDEO_DOORBELL']);
    expectNoFaults(contractor);

    // The coordinator adds a note; it joins the timeline, by its author.
    const note = 'Doorbell fitted; victim shown how to use it.';
    await open(sanctuary, `/referrals/${idOf(r.name)}`, `${submitted.reference}: Target hardening`);
    await setField(sanctuary, 'text', note);
    await sanctuary.click('#add-note');
    await expectText(sanctuary, '.govuk-notification-banner', 'Note added.');
    await expectText(sanctuary, '[data-field="notes[0].text"]', note);
    await expectText(sanctuary, '[data-field="notes[0].author"]', 'west-suffolk-council/person/sanctuary-coordinator');
    await checkAxe(sanctuary, 'referral with a note (coordinator)');
    expectNoFaults(sanctuary);
    for (const p of [ref, sanctuary, contractor]) await p.close();
  });

  test('Duty to Notify: the form switches identifying fields off for an adult without consent, and a submission whose answer was lost is sent again without making two',
    { timeout: 180000 }, async () => {
    const lead = await browsers.page('lead');
    await open(lead, '/submit/nrm', 'Modern slavery: NRM referral or Duty to Notify');
    await setField(lead, 'referral.subjects[0].full_name', 'Typed Before Choosing');
    await setField(lead, 'referral.nrm.nature', '2');
    const groups = () => lead.$$eval('[data-field-group^="referral.subjects[0]."]', (gs) => gs.map((g) => [
      g.dataset.fieldGroup.slice('referral.subjects[0].'.length),
      g.hidden ? 'off' : 'on',
    ]).filter(([, s]) => s === 'off').map(([f]) => f));
    const identifying = ['full_name', 'aliases', 'date_of_birth', 'identifiers.nhs_number', 'identifiers.pnc_id',
      'address.lines', 'address.town',
      'address.postcode', 'safe_contact.channels', 'safe_contact.phone', 'safe_contact.email',
      'safe_contact.times', 'safe_contact.never_at_address', 'safe_contact.instructions'];
    assert.deepEqual(await groups(), identifying);
    assert.equal(await lead.$eval('[name="referral.subjects[0].full_name"]', (i) => `${i.disabled}:${i.value}`), 'true:');
    await expectText(lead, '#dtn-note', 'A Duty to Notify is anonymous');
    await checkAxe(lead, 'Duty to Notify form');
    await screenshot(lead, 'submit-duty-to-notify', { fullPage: false });
    // A child is referred, never notified: the fields come back.
    await lead.click('#f-referral-nrm-subject-is-child');
    assert.deepEqual(await groups(), []);
    await lead.click('#f-referral-nrm-subject-is-child');
    assert.deepEqual(await groups(), identifying);

    await setField(lead, 'referral.area', 'west-suffolk');
    await setField(lead, 'referral.subjects[0].approximate_age', '30');
    await setField(lead, 'referral.subjects[0].nationality', 'Example');
    await setField(lead, 'referral.nrm.exploitation_types', '2');
    await setField(lead, 'referral.consent.status', '2');
    await setField(lead, 'referral.consent.legal_basis', '4');
    await setField(lead, 'referral.consent.reason', 'Does not consent to an NRM referral');

    // The server commits the first submission but its answer never arrives.
    const cdp = await lead.createCDPSession();
    await cdp.send('Fetch.enable', { patterns: [{ urlPattern: '*SubmitReferral*', requestStage: 'Response' }] });
    const lost = new Promise((resolve) => {
      cdp.once('Fetch.requestPaused', async (e) => {
        await cdp.send('Fetch.failRequest', { requestId: e.requestId, errorReason: 'ConnectionReset' });
        await cdp.send('Fetch.disable');
        resolve(e.responseStatusCode);
      });
    });
    await lead.click('#submit-referral');
    assert.equal(await lost, 200, 'the server answered the first submission');
    await expectText(lead, '.govuk-error-summary', 'The server could not be reached. Check your connection and try again.');
    clearProblems(lead);  // the dropped answer was the point
    await lead.click('#submit-referral');
    await expectText(lead, '.govuk-panel__title', 'Referral submitted');
    const reference = await lead.$eval('#reference', (e) => e.innerText.trim());
    assert.match(reference, /^NRM-\d{4}-\d{6}$/);
    const listed = await apiOk(lead, 'Referrals/ListReferrals', { filter: { kind: 'NRM' } });
    assert.deepEqual(listed.referrals.map((r) => [r.reference, r.state]), [[reference, 'DTN_SUBMITTED']]);

    await lead.click('main a[href^="#/referrals/"]');
    await expectText(lead, 'main h1', `${reference}: NRM`);
    const { shown } = await expectPageHoldsExactlyTheView(lead, listed.referrals[0].name);
    assert.ok(!shown.some((f) => f.startsWith('subjects[0].fullName')));
    // Nothing about anyone is kept in the browser.
    const kept = await lead.evaluate(async () => ({
      local: localStorage.length, session: sessionStorage.length, cookies: document.cookie,
      workers: (await navigator.serviceWorker.getRegistrations()).length,
      caches: (await caches.keys()).length,
      databases: (await indexedDB.databases()).length,
    }));
    assert.deepEqual(kept, { local: 0, session: 0, cookies: '', workers: 0, caches: 0, databases: 0 });
    expectNoFaults(lead);
    await lead.close();
  });

  test('Channel: the Prevent officer scores the 22 VAF factors to refer a case to the panel, and the chair sees the totals',
    { timeout: 180000 }, async () => {
    const ref = await browsers.page('referrer');
    const prevent = await browsers.page('prevent');
    const chair = await browsers.page('channel');
    await open(ref, '/', 'Your safeguard');
    await open(prevent, '/', 'Your safeguard');
    const submitted = await apiOk(ref, 'Referrals/SubmitReferral', {
      requestId: randomUUID(),
      referral: {
        kind: 'CHANNEL', area: 'babergh', priority: 'MEDIUM',
        subjects: [{ fullName: 'Subject Example', dateOfBirth: { year: 1990 } }],
        consent: { status: 'GIVEN', givenBy: 'SUBJECT' },
        channel: { concern: 'Shares extremist material with classmates' },
      },
    });
    let r = await apiOk(prevent, 'Referrals/TransitionReferral', { name: submitted.name, action: 'begin_gateway', version: submitted.version });
    r = await apiOk(prevent, 'Referrals/TransitionReferral', { name: r.name, action: 'gateway_information_gathering', version: r.version });

    await open(prevent, `/referrals/${idOf(r.name)}`, `${submitted.reference}: Channel`);
    await clickAndWait(prevent, 'button[data-action="refer_to_panel"]');
    const sections = await prevent.$$eval('form[data-action-form] fieldset', (fs) => fs.map((f) => [
      f.querySelector('legend').innerText.trim(), f.querySelectorAll('select').length]));
    assert.deepEqual(sections, [['Engagement factors', 13], ['Intent factors', 6], ['Capability factors', 3]]);
    // Each factor by the name GetServerInfo gives it.
    const factors = await prevent.$$eval('form[data-action-form] fieldset label', (ls) => ls.map((l) => l.innerText.trim()));
    assert.equal(factors.length, 22);
    assert.equal(factors[0], '1. Feelings of grievance and injustice');
    assert.equal(factors[13], '14. Over-identification with a group or ideology');
    assert.equal(factors[21], '22. Criminal capability');
    // Engagement 1+2+3 on the first three, intent 2 on the first, capability 1 on the last.
    for (const [i, v] of [[0, '1'], [1, '2'], [2, '3'], [13, '2'], [21, '1']]) {
      await setField(prevent, `vaf_assessment.factor_scores[${i}]`, v);
    }
    await checkAxe(prevent, 'VAF scoring');
    await screenshot(prevent, 'vaf', { fullPage: false });
    await prevent.click('#take-action');
    await expectText(prevent, '.govuk-notification-banner', 'Refer to panel: done. The referral is now panel.');

    await open(chair, `/referrals/${idOf(r.name)}`, `${submitted.reference}: Channel`);
    await expectText(chair, '[data-field="channel.vafAssessments[0].engagementTotal"]', '6');
    await expectText(chair, '[data-field="channel.vafAssessments[0].intentTotal"]', '2');
    await expectText(chair, '[data-field="channel.vafAssessments[0].capabilityTotal"]', '1');
    await expectText(chair, '[data-field="channel.vafAssessments[0].assessedBy"]', 'suffolk-police/person/prevent-officer');
    await expectPageHoldsExactlyTheView(chair, r.name);
    const actions = await chair.$$eval('button[data-action]', (bs) => bs.map((b) => b.dataset.action));
    assert.deepEqual(actions, ['panel_not_adopted', 'panel_adopted', 'list']);
    expectNoFaults(prevent);
    expectNoFaults(chair);
    for (const p of [ref, prevent, chair]) await p.close();
  });

  test('audit: the auditor finds the coordinator\'s access, verifies the log, breaks glass with a reason and sees it marked',
    { timeout: 180000 }, async () => {
    assert.ok(shared.marac, 'the MARAC journey ran first');
    const auditor = await browsers.page('auditor');
    const id = idOf(shared.marac.name);
    await open(auditor, '/audit', 'Audit log');
    await setField(auditor, 'filter.referral', id);
    await setField(auditor, 'filter.method', 'safeguard.v1.Referrals/GetReferral');
    await auditor.click('#audit-search');
    await expectText(auditor, '#audit-entries', 'suffolk-county-council/person/marac-coordinator');
    const methods = await auditor.$$eval('#audit-entries tbody tr td:nth-child(4)', (tds) => [...new Set(tds.map((t) => t.innerText))]);
    assert.deepEqual(methods, ['Referrals/GetReferral']);
    await checkAxe(auditor, 'audit log');
    await screenshot(auditor, 'audit-log');

    await open(auditor, '/audit/access', 'Who accessed a referral');
    await setField(auditor, 'name', id);
    await auditor.click('#access-search');
    await expectText(auditor, '#audit-entries', 'Referrals/SubmitReferral');
    await expectText(auditor, '#audit-entries', 'probation-service/person/officer');
    await expectText(auditor, '#audit-entries', 'Referrals/TransitionReferral');
    await checkAxe(auditor, 'access log');

    await open(auditor, '/audit/verify', 'Verify the audit log');
    await auditor.click('#verify');
    await expectText(auditor, '#verify-result', 'The audit log is intact');
    await checkAxe(auditor, 'verified');
    await screenshot(auditor, 'audit-verify');

    await open(auditor, '/audit/export', 'Export the audit log');
    await auditor.click('#export');
    await expectText(auditor, '#export-status', /\d+ entries and \d+ checkpoints are ready/);
    assert.match(await auditor.$eval('#export-download', (a) => a.href), /^blob:/);

    await open(auditor, '/audit/break-glass', 'Break glass');
    await setField(auditor, 'name', id);
    await setField(auditor, 'reason', 'short');
    await auditor.click('#break-glass');
    await waitFor(auditor, '.govuk-error-summary');
    await checkAxe(auditor, 'break glass refused');
    clearProblems(auditor);  // the refusal (HTTP 400) was the point
    const reason = 'Complaint 42: checking who changed the meeting date';
    await setField(auditor, 'reason', reason);
    await auditor.click('#break-glass');
    await expectText(auditor, '.app-break-glass', `Break-glass access`);
    await expectText(auditor, '.app-break-glass', reason);
    await expectText(auditor, 'main h1', `${shared.marac.reference}: MARAC`);
    await expectText(auditor, '[data-field="subjects[0].fullName"]', 'Victim Example');
    await checkAxe(auditor, 'break glass');
    await screenshot(auditor, 'break-glass', { fullPage: false });

    await open(auditor, '/audit', 'Audit log');
    await setField(auditor, 'filter.method', 'safeguard.v1.Audit/BreakGlass');
    await auditor.click('#audit-search');
    await expectText(auditor, '#audit-entries tbody', `Break glass ${reason}`);
    const outcomes = await auditor.$$eval('#audit-entries tbody tr td:nth-child(6)', (tds) => tds.map((t) => t.innerText));
    assert.deepEqual(outcomes, ['Invalid Argument', 'OK']);
    expectNoFaults(auditor);
    await auditor.close();
  });

  test('keyboard alone: the worklist (filter, select, assign, open) and the DASH checklist', { timeout: 180000 }, async () => {
    assert.ok(shared.marac, 'the MARAC journey ran first');
    const coord = await browsers.page('coordinator');
    await open(coord, '/worklist', 'Worklist');
    await expectText(coord, '#live-status', 'Live:');
    // Focus starts on the screen's heading, as after any navigation.
    assert.equal(await coord.evaluate(() => document.activeElement.tagName), 'H1');
    await tabUntil(coord, '#f-filter-kind', 20);
    await pressKey(coord, 'ArrowDown');   // NRM
    await pressKey(coord, 'ArrowDown');   // Channel
    await pressKey(coord, 'ArrowDown');   // MARAC
    assert.equal(await coord.$eval('#f-filter-kind', (s) => s.value), '3');
    await tabUntil(coord, '#apply-filters', 20);
    await pressKey(coord, 'Enter');
    const row = `#worklist tr[data-name="${shared.marac.name}"]`;
    await expectText(coord, row, shared.marac.reference);
    await tabUntil(coord, `#select-${idOf(shared.marac.name)}`, 40);
    await pressKey(coord, 'Space');
    await tabUntil(coord, '#assign-selected', 40, { shift: true });
    await pressKey(coord, 'Enter');
    await expectText(coord, '.govuk-notification-banner', `Assigned to suffolk-county-council/person/marac-coordinator: ${shared.marac.reference}`);
    await tabUntil(coord, `${row} a`, 40);
    await pressKey(coord, 'Enter');
    await expectText(coord, 'main h1', `${shared.marac.reference}: MARAC`);
    await coord.close();

    const ref = await browsers.page('referrer');
    await open(ref, '/submit/marac', 'MARAC referral');
    await tabUntil(ref, '#f-referral-marac-dash-answers-0-', 120);
    for (let i = 0; i < 24; i++) {
      // Space answers yes; an arrow moves to (and answers) no, then not known.
      if (i % 3 === 0) await pressKey(ref, 'Space');
      else if (i % 3 === 1) await pressKey(ref, 'ArrowRight');
      else { await pressKey(ref, 'ArrowRight'); await pressKey(ref, 'ArrowRight'); }
      if (i < 23) await tabUntil(ref, `[name="referral.marac.dash.answers[${i + 1}]"]`, 3);
    }
    await expectText(ref, '#dash-score', 'DASH score: 8 of 24 (24 answered). Meets no MARAC criterion yet.');
    await tabUntil(ref, '#f-referral-marac-dash-professional-judgement', 3);
    await pressKey(ref, 'Space');
    await expectText(ref, '#dash-score', 'Meets the MARAC criteria: professional judgement.');
    await tabUntil(ref, '#submit-referral', 40);
    await pressKey(ref, 'Enter');
    await waitFor(ref, '.govuk-error-summary');
    assert.equal(await ref.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary')), true);
    // The first error's link takes focus to its field.
    await pressKey(ref, 'Tab');
    const target = await ref.evaluate(() => document.activeElement.dataset.target);
    await pressKey(ref, 'Enter');
    assert.equal(await ref.evaluate(() => document.activeElement.id), target);
    await ref.close();
  });

  test('worklist: a new referral that belongs on a later page is said, not lost', { timeout: 180000 }, async () => {
    const ref = await browsers.page('referrer');
    const sanctuary = await browsers.page('sanctuary');
    await open(ref, '/', 'Your safeguard');
    const submitTh = () => apiOk(ref, 'Referrals/SubmitReferral', {
      requestId: randomUUID(),
      referral: jobReferral({ fullName: 'Victim Example' }, '2 Example Road', 'IP33 1AA'),
    });
    // More than a page: each new one's deadline (48 hours on) is the latest.
    for (let i = 0; i < 51; i++) await submitTh();
    await open(sanctuary, '/worklist', 'Worklist');
    await expectText(sanctuary, '#live-status', 'Live:');
    assert.equal(await sanctuary.$$eval('#worklist tbody tr', (trs) => trs.length), 50);
    assert.ok(await sanctuary.$('#next-page'), 'a next page is offered');
    const late = await submitTh();
    await expectText(sanctuary, '#worklist-later',
                     `1 new referral since this page was loaded belongs on a later page in this order: ${late.reference}.`);
    assert.equal(await sanctuary.$(`#worklist tr[data-name="${late.name}"]`), null);
    await expectText(sanctuary, '#worklist-announcer', `${late.reference} added on a later page`);
    await checkAxe(sanctuary, 'worklist with a new referral on a later page');
    // Loading the list again (here, the next page) clears it.
    await sanctuary.click('#next-page');
    await waitFor(sanctuary, '#previous-page');
    assert.equal(await sanctuary.$eval('#worklist-later', (d) => d.textContent), '');
    expectNoFaults(sanctuary);
    for (const p of [ref, sanctuary]) await p.close();
  });

  test('meetings: the coordinator creates a meeting (the venue missing first) and lists a screened MARAC referral to it from the referral page',
    { timeout: 240000 }, async () => {
    const coord = await browsers.page('coordinator');
    const ref = await browsers.page('referrer');
    await open(ref, '/', 'Your safeguard');
    await open(coord, '/', 'Your safeguard');
    const info = await apiOk(ref, 'ServerInfo/GetServerInfo', {});
    const set = info.dashQuestionSets[0];
    // A MARAC referral with a child, screened: it is listed as a new case
    // with children.
    const submitted = await apiOk(ref, 'Referrals/SubmitReferral', {
      requestId: randomUUID(),
      referral: {
        kind: 'MARAC', area: 'west-suffolk', priority: 'HIGH',
        subjects: [{ fullName: 'Agenda Victim', dateOfBirth: { year: 1988, month: 4, day: 2 },
                     address: { lines: ['3 Example Road'], town: 'Haverhill', postcode: 'CB9 8AA' } }],
        consent: { status: 'GIVEN', givenBy: 'SUBJECT' },
        marac: {
          perpetrator: { fullName: 'Agenda Perpetrator' },
          children: [{ fullName: 'Agenda Child', dateOfBirth: { year: 2018 } }],
          relationship: 'partner',
          dash: { questionSetVersion: set.version,
                  answers: set.questions.map((_, i) => (i < MARAC_YES ? 'YES' : 'NO')) },
        },
      },
    });
    await apiOk(coord, 'Referrals/TransitionReferral',
                { name: submitted.name, action: 'begin_screening', version: submitted.version });
    shared.meeting = { referral: submitted.name, reference: submitted.reference, questions: set.questions };

    await coord.waitForFunction(() => document.activeElement?.tagName === 'H1');
    await tabUntil(coord, 'a.moj-sub-navigation__link[href="#/meetings"]', 20, { shift: true });
    await pressKey(coord, 'Enter');
    await expectText(coord, 'main h1', 'Meetings');
    await waitFor(coord, '#meetings-empty, #meetings');
    await checkAxe(coord, 'meetings (coordinator)');
    await coord.click('#new-meeting');
    await expectText(coord, 'main h1', 'Create a meeting');
    const start = new Date(Date.now() + 14 * 86400000);
    await setField(coord, 'meeting.area', 'west-suffolk');
    await setField(coord, 'meeting.start_time.day', String(start.getDate()));
    await setField(coord, 'meeting.start_time.month', String(start.getMonth() + 1));
    await setField(coord, 'meeting.start_time.year', String(start.getFullYear()));
    await setField(coord, 'meeting.start_time.time', '10:00');
    await setField(coord, 'meeting.chair', 'Chair Example');
    await checkAxe(coord, 'create a meeting');
    await screenshot(coord, 'meeting-create');
    // No venue: the server names the field; the page puts it beside the
    // field and in the summary, which takes focus.
    await coord.click('#create-meeting');
    await waitFor(coord, '.govuk-error-summary');
    const summaryItems = await coord.$$eval('.govuk-error-summary__list li', (lis) => lis.map((li) => li.innerText.trim()));
    assert.deepEqual(summaryItems, ['Venue or link: is required']);
    const inline = await coord.$$eval('.govuk-form-group--error', (gs) => gs.map((g) => [
      g.dataset.fieldGroup, g.querySelector('.govuk-error-message')?.innerText.replace(/\s+/g, ' ').trim()]));
    assert.deepEqual(inline, [['meeting.venue', 'Error: Venue or link: is required']]);
    assert.equal(await coord.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary')), true);
    await checkAxe(coord, 'create a meeting, with an error');
    await screenshot(coord, 'meeting-create-errors');
    clearProblems(coord);  // the refusal (HTTP 400) was the point
    const requestId = await coord.$eval('form[data-request-id]', (f) => f.dataset.requestId);
    await setField(coord, 'meeting.venue', 'Council offices, Bury St Edmunds');
    await coord.click('#create-meeting');
    await expectText(coord, 'main h1', 'Meeting: MARAC, west-suffolk');
    await expectText(coord, '.govuk-notification-banner', 'Meeting created.');
    const meetingPath = await coord.evaluate(() => location.hash.slice(1));
    assert.match(meetingPath, /^\/meetings\/[A-Za-z0-9_-]+$/);
    shared.meeting.path = meetingPath;
    shared.meeting.name = `meetings/${meetingPath.split('/').pop()}`;
    const made = await apiOk(coord, 'Meetings/ListMeetings', { area: 'west-suffolk' });
    assert.deepEqual(made.meetings.map((m) => m.name), [shared.meeting.name], 'one meeting, whatever the retries');
    assert.ok(requestId);

    // The meetings list shows it.
    await open(coord, '/meetings', 'Meetings');
    await expectText(coord, `#meetings tr[data-name="${shared.meeting.name}"]`, 'west-suffolk');
    await expectText(coord, `#meetings tr[data-name="${shared.meeting.name}"]`, 'Scheduled');
    await checkAxe(coord, 'meetings list');
    await screenshot(coord, 'meetings');

    // The referral page's "list" offers the area's scheduled meetings.
    await open(coord, `/referrals/${idOf(submitted.name)}`, `${submitted.reference}: MARAC`);
    await clickAndWait(coord, 'button[data-action="list"]');
    await waitFor(coord, 'select[name="meeting.name"]');
    const options = await coord.$$eval('select[name="meeting.name"] option', (os) => os.map((o) => o.value));
    assert.deepEqual(options, [shared.meeting.name]);
    assert.equal(await coord.$('[name="meeting.meeting_date.day"]'), null, 'no date input when a meeting exists');
    await checkAxe(coord, 'list to a meeting');
    await screenshot(coord, 'meeting-list-case', { fullPage: false });
    await coord.click('#take-action');
    await expectText(coord, '.govuk-notification-banner', 'List: done. The referral is now listed.');

    // On the agenda, under new cases with children.
    await open(coord, shared.meeting.path, 'Meeting: MARAC');
    const caseSel = `article[data-case="${submitted.name}"]`;
    await expectText(coord, '[data-section="2"]', 'New cases with children');
    await expectText(coord, `[data-section="2"] ${caseSel}`, submitted.reference);
    await expectText(coord, caseSel, 'Agenda Child');
    const headings = await coord.$$eval('#agenda h3', (hs) => hs.map((x) => x.innerText.trim()));
    assert.deepEqual(headings, ['Actions outstanding from earlier meetings', 'New cases with children',
                                'New cases', 'Repeat cases', 'Other cases']);
    await checkAxe(coord, 'meeting (coordinator)');
    await screenshot(coord, 'meeting-agenda');
    expectNoFaults(coord);
    expectNoFaults(ref);
    await coord.close();
    await ref.close();
  });

  test('meetings: a representative opens the meeting by keyboard alone, sees the case without the DASH answers and records research; the coordinator sees it',
    { timeout: 180000 }, async () => {
    assert.ok(shared.meeting?.name, 'the meeting journey ran first');
    const rep = await browsers.page('representative');
    await open(rep, '/', 'Your safeguard');
    await rep.waitForFunction(() => document.activeElement?.tagName === 'H1');
    await tabUntil(rep, 'a.moj-sub-navigation__link[href="#/meetings"]', 20, { shift: true });
    await pressKey(rep, 'Enter');
    await expectText(rep, 'main h1', 'Meetings');
    await waitFor(rep, `#meetings tr[data-name="${shared.meeting.name}"]`);
    await rep.waitForFunction(() => document.activeElement?.tagName === 'H1');
    await checkAxe(rep, 'meetings (representative)');
    await tabUntil(rep, `a[href="#${shared.meeting.path}"]`, 30);
    await pressKey(rep, 'Enter');
    await expectText(rep, 'main h1', 'Meeting: MARAC, west-suffolk');
    await rep.waitForFunction(() => document.activeElement?.tagName === 'H1');
    const caseSel = `article[data-case="${shared.meeting.referral}"]`;
    await expectText(rep, caseSel, shared.meeting.reference);
    await expectText(rep, caseSel, 'Agenda Victim');
    await expectText(rep, caseSel, 'Agenda Perpetrator');
    await expectText(rep, caseSel, 'Agenda Child');
    await expectText(rep, caseSel, '3 Example Road');
    await expectText(rep, caseSel, 'DASH score');
    // Not the DASH answers: no question is on the page.
    const text = await rep.$eval('main', (m) => m.innerText);
    const shownQuestions = shared.meeting.questions.filter((q) => text.includes(q));
    assert.deepEqual(shownQuestions, [], 'the representative saw DASH questions');
    assert.equal(await rep.$('[data-field*="answers"]'), null);
    // No organiser's forms.
    assert.equal(await rep.$('form[data-form="outcome"], form[data-form="add-action"], form[data-form="attendance"], #meeting-transition'), null);
    await checkAxe(rep, 'meeting (representative)');

    const research = 'Police: two call-outs to the address in March; bail conditions end on 1 May.';
    await tabUntil(rep, `${caseSel} textarea[name="text"]`, 40);
    await rep.keyboard.type(research);
    await tabUntil(rep, `${caseSel} button.app-save-research`, 5);
    await pressKey(rep, 'Enter');
    await expectText(rep, `${caseSel} .app-saved`, `Research saved for ${shared.meeting.reference}.`);
    await checkAxe(rep, 'research saved');
    await screenshot(rep, 'meeting-research');
    expectNoFaults(rep);
    await rep.close();

    const coord = await browsers.page('coordinator');
    await open(coord, shared.meeting.path, 'Meeting: MARAC');
    await expectText(coord, `${caseSel} .app-research [data-agency="suffolk-police"]`, research);
    await expectText(coord, `${caseSel} .app-research [data-agency="suffolk-police"]`,
                     'By suffolk-police/person/marac-representative');
    await checkAxe(coord, 'meeting with research (coordinator)');
    expectNoFaults(coord);
    await coord.close();
  });

  test('meetings: the coordinator records attendance, holds the meeting, records an outcome and an action (its due date missing first); the owning representative works it from its actions list',
    { timeout: 240000 }, async () => {
    assert.ok(shared.meeting?.name, 'the meeting journey ran first');
    const coord = await browsers.page('coordinator');
    const caseSel = `article[data-case="${shared.meeting.referral}"]`;
    await open(coord, shared.meeting.path, 'Meeting: MARAC');
    const police = 'form[data-form="attendance"][data-agency="suffolk-police"]';
    await setFieldIn(coord, police, 'attendance.presence', '1');
    await setFieldIn(coord, police, 'attendance.attendee', 'DS Example');
    await setFieldIn(coord, police, 'attendance.confidentiality_acknowledged', 'true');
    await coord.click(`${police} button`);
    await expectText(coord, `${police} .app-saved`, 'Attendance recorded for suffolk-police.');
    const childrens = 'form[data-form="attendance"][data-agency="suffolk-childrens-services"]';
    await setFieldIn(coord, childrens, 'attendance.presence', '3');
    await setFieldIn(coord, childrens, 'attendance.attendee', 'Social Worker Example');
    await coord.click(`${childrens} button`);
    await expectText(coord, `${childrens} .app-saved`, 'Attendance recorded for suffolk-childrens-services.');
    await checkAxe(coord, 'attendance recorded');

    await coord.click('#meeting-transition');
    await expectText(coord, '.govuk-notification-banner', 'The meeting is now held.');
    await expectText(coord, '#meeting-transition', 'Close the meeting');
    await expectText(coord, 'main .govuk-summary-list', 'Held');

    await setFieldIn(coord, caseSel, 'outcome', 'Safety plan agreed; police to review bail conditions.');
    await coord.click(`${caseSel} .app-save-outcome`);
    await expectText(coord, `${caseSel} form[data-form="outcome"] .app-saved`, `Outcome saved for ${shared.meeting.reference}.`);

    const add = `${caseSel} form[data-form="add-action"]`;
    const description = 'Review bail conditions before they end';
    await setFieldIn(coord, add, 'action.owner_agency', 'suffolk-police');
    await setFieldIn(coord, add, 'action.owner', 'DS Example');
    await setFieldIn(coord, add, 'action.description', description);
    await coord.click(`${add} .app-add-action`);
    await waitFor(coord, `${add} .govuk-error-summary`);
    const summaryItems = await coord.$$eval(`${add} .govuk-error-summary__list li`, (lis) => lis.map((li) => li.innerText.trim()));
    assert.deepEqual(summaryItems, ['Due date: is required']);
    const inline = await coord.$$eval(`${add} .govuk-form-group--error`, (gs) => gs.map((g) => [
      g.dataset.fieldGroup, g.querySelector('.govuk-error-message')?.innerText.replace(/\s+/g, ' ').trim()]));
    assert.deepEqual(inline, [['action.due_date', 'Error: Due date: is required']]);
    assert.equal(await coord.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary')), true);
    await checkAxe(coord, 'add an action, with an error');
    await coord.$eval(add, (f) => f.scrollIntoView());
    await screenshot(coord, 'meeting-action-errors', { fullPage: false });
    clearProblems(coord);  // the refusal (HTTP 400) was the point
    await setFieldIn(coord, add, 'action.due_date.day', String(NEXT_MONTH.getDate()));
    await setFieldIn(coord, add, 'action.due_date.month', String(NEXT_MONTH.getMonth() + 1));
    await setFieldIn(coord, add, 'action.due_date.year', String(NEXT_MONTH.getFullYear()));
    await coord.click(`${add} .app-add-action`);
    await expectText(coord, `${add} .app-saved`, `Action added for suffolk-police: ${description}`);
    await expectText(coord, `${caseSel} .app-actions`, description);
    await expectText(coord, `${caseSel} .app-actions`, 'Open');
    const actionName = await coord.$eval(`${caseSel} .app-actions tbody tr`, (tr) => tr.dataset.name);
    await checkAxe(coord, 'meeting held (coordinator)');
    await screenshot(coord, 'meeting-held');
    expectNoFaults(coord);

    // Held: the representative's research is read-only now.
    const rep = await browsers.page('representative');
    await open(rep, shared.meeting.path, 'Meeting: MARAC');
    await expectText(rep, caseSel, 'The meeting has been held: research can no longer be changed.');
    assert.equal(await rep.$(`${caseSel} textarea`), null);
    // The minutes, generated by the server from the record.
    await expectText(rep, '#minutes .app-minutes', 'MARAC minutes:');
    await expectText(rep, '#minutes .app-minutes', `Action: ${description} (suffolk-police,`);
    await checkAxe(rep, 'held meeting (representative)');
    await rep.waitForFunction(() => document.activeElement?.tagName === 'H1');

    // The representative's actions list has it, and works it.
    await tabUntil(rep, 'a.moj-sub-navigation__link[href="#/actions"]', 20, { shift: true });
    await pressKey(rep, 'Enter');
    await expectText(rep, 'main h1', "Your agency's actions");
    const card = `article.app-action[data-name="${actionName}"]`;
    await expectText(rep, card, description);
    await expectText(rep, card, 'DS Example');
    await expectText(rep, '#actions-intro', 'owned by suffolk-police');
    await checkAxe(rep, 'actions (representative)');
    await screenshot(rep, 'meeting-actions');
    // Not done, without a reason: the server's message by the field.
    await setFieldIn(rep, card, 'status', '4');
    await rep.click(`${card} .app-update-action`);
    await waitFor(rep, `${card} .govuk-error-summary`);
    const errors = await rep.$$eval(`${card} .govuk-error-summary__list li`, (lis) => lis.map((li) => li.innerText.trim()));
    assert.deepEqual(errors, ['Why: is required']);
    await expectText(rep, `${card} [data-field-group="status_reason"] .govuk-error-message`, 'Why: is required');
    await checkAxe(rep, 'action update, with an error');
    await screenshot(rep, 'meeting-action-update-errors', { fullPage: false });
    clearProblems(rep);  // the refusal (HTTP 400) was the point

    // Meanwhile the coordinator changes it: the representative's update is
    // refused, said, and the list reloaded.
    const current = await apiOk(coord, 'Meetings/ListActions', { filter: { meeting: shared.meeting.name } });
    const before = current.actions.find((a) => a.name === actionName);
    await apiOk(coord, 'Meetings/UpdateAction', { name: actionName, status: 'ACTION_NOT_DONE',
      statusReason: 'Chased at the meeting', version: before.version });
    await setFieldIn(rep, card, 'status', '4');
    await setFieldIn(rep, card, 'status_reason', 'The officer in the case is on leave until the 20th');
    await rep.click(`${card} .app-update-action`);
    await expectText(rep, 'main > .govuk-error-summary',
                     'This action was changed by someone else. It has been reloaded: check it and try again.');
    await expectText(rep, card, 'Chased at the meeting');
    clearProblems(rep);  // the conflict (HTTP 409) was the point
    await setFieldIn(rep, card, 'status', '4');
    await setFieldIn(rep, card, 'status_reason', 'The officer in the case is on leave until the 20th');
    await rep.click(`${card} .app-update-action`);
    await expectText(rep, '.govuk-notification-banner', `Action updated: ${description} is now recorded as not done.`);
    // Not done is still outstanding: it stays on the list, with its reason.
    await expectText(rep, card, 'Not done');
    await expectText(rep, card, 'The officer in the case is on leave until the 20th');
    await checkAxe(rep, 'action updated');
    await screenshot(rep, 'meeting-action-updated');
    expectNoFaults(rep);

    // Another agency's representative does not have it on its list.
    const other = await browsers.page('childrens');
    await open(other, '/actions', "Your agency's actions");
    await waitFor(other, '#actions-empty');
    await checkAxe(other, 'actions (another agency)');
    expectNoFaults(other);
    for (const p of [coord, rep, other]) await p.close();
  });

  test('links: the MARAC coordinator asks to link a case to a target-hardening job by its id; the sanctuary coordinator confirms it by keyboard; both see it linked',
    { timeout: 180000 }, async () => {
    const ref = await browsers.page('referrer');
    const coord = await browsers.page('coordinator');
    const sanctuary = await browsers.page('sanctuary');
    await open(ref, '/', 'Your safeguard');
    const set = (await apiOk(ref, 'ServerInfo/GetServerInfo', {})).dashQuestionSets[0];
    const job = await apiOk(ref, 'Referrals/SubmitReferral', {
      requestId: randomUUID(),
      referral: jobReferral({ fullName: 'Linked Victim' }, '4 Example Road', 'IP33 1AA'),
    });
    const kase = await apiOk(ref, 'Referrals/SubmitReferral', {
      requestId: randomUUID(),
      referral: maracReferral(set, { fullName: 'Linked Victim' },
        { fullName: 'Linked Perpetrator' }),
    });
    const jobId = idOf(job.name);
    const caseId = idOf(kase.name);
    const WHEN = /^\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2}$/;
    const MARAC_COORDINATOR = 'suffolk-county-council/person/marac-coordinator';
    const SANCTUARY_COORDINATOR = 'west-suffolk-council/person/sanctuary-coordinator';
    const textOf = (page, sel) => page.$eval(sel, (e) => e.innerText.replace(/\s+/g, ' ').trim());
    // A link as the page shows it: its heading, its rows (the time checked
    // apart), its buttons (visible text, and the name read out) and where
    // its referral id leads, if anywhere.
    const linkShown = async (page, referral) => {
      const shown = await page.$eval(`[data-link="${referral}"]`, (d) => ({
        title: d.querySelector('h3').innerText.trim(),
        rows: [...d.querySelectorAll('.govuk-summary-list__row')].map((r) =>
          [r.querySelector('dt').innerText.trim(), r.querySelector('dd').innerText.trim()]),
        buttons: [...d.querySelectorAll('button')].map((b) => [b.firstChild.textContent, b.textContent]),
        href: d.querySelector('a')?.getAttribute('href') ?? null,
      }));
      const when = shown.rows.pop();
      assert.equal(when[0], 'When');
      assert.match(when[1], WHEN);
      return shown;
    };

    // The MARAC coordinator: no link yet, and the form, with the case's own
    // id to give the other coordinator.
    await open(coord, `/referrals/${caseId}`, `${kase.reference}: MARAC`);
    await coord.waitForFunction(() => document.activeElement?.tagName === 'H1');
    assert.equal(await textOf(coord, '#links-title + p'), 'No linked referrals.');
    assert.equal(await textOf(coord, 'form[aria-labelledby="link-form-title"]'),
      `Link to another referral This referral's id, for the other coordinator: ${caseId} ` +
      "Target-hardening job's id Ask the other coordinator for their referral's id Ask to link");
    await checkAxe(coord, 'linked referrals: none yet (MARAC coordinator)');
    // Its own id by mistake, as a full name: the server's message by the field.
    await tabUntil(coord, '#f-link-referral', 40);
    await coord.keyboard.type(kase.name);
    await pressKey(coord, 'Enter');
    await waitFor(coord, 'section[aria-labelledby="links-title"] .govuk-error-summary');
    assert.deepEqual(await coord.$$eval('.govuk-error-summary__list li', (lis) => lis.map((li) => li.innerText.trim())),
      ["Target-hardening job's id: names the referral being linked"]);
    assert.equal(await textOf(coord, '[data-field-group="link.referral"] .govuk-error-message'),
      "Error: Target-hardening job's id: names the referral being linked");
    assert.equal(await coord.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary')), true);
    await checkAxe(coord, 'link form with an error');
    clearProblems(coord);  // the refusal (HTTP 400) was the point
    // The error's link back to the field, then the job's bare id.
    await pressKey(coord, 'Tab');
    await pressKey(coord, 'Enter');
    assert.equal(await coord.evaluate(() => document.activeElement.id), 'f-link-referral');
    await pressKey(coord, 'Control+a');
    await coord.keyboard.type(jobId);
    await pressKey(coord, 'Enter');
    await expectText(coord, '.govuk-notification-banner',
      `Asked to link to ${jobId}: it is linked once the other coordinator asks for it too.`);
    assert.deepEqual(await linkShown(coord, job.name), {
      title: 'Target-hardening job',
      rows: [['Referral', jobId], ['Status', 'Asked for by you — waiting for the other coordinator'],
             ['Asked for by', MARAC_COORDINATOR]],
      buttons: [['Withdraw', `Withdraw the link to referral ${jobId}`]],
      href: null,
    });
    await expectPageHoldsExactlyTheView(coord, kase.name);
    await checkAxe(coord, 'linked referrals: asked for (MARAC coordinator)');
    await screenshot(coord, 'referral-link-proposed');

    // The sanctuary coordinator: the request on the job, confirmed by keyboard.
    await open(sanctuary, `/referrals/${jobId}`, `${job.reference}: Target hardening`);
    await sanctuary.waitForFunction(() => document.activeElement?.tagName === 'H1');
    assert.deepEqual(await linkShown(sanctuary, kase.name), {
      title: 'MARAC case',
      rows: [['Referral', caseId], ['Status', 'Asked for by the other coordinator'],
             ['Asked for by', MARAC_COORDINATOR]],
      buttons: [['Confirm the link', `Confirm the link to referral ${caseId}`],
                ['Decline', `Decline the link to referral ${caseId}`]],
      href: null,
    });
    assert.equal(await textOf(sanctuary, '#own-referral-id'), jobId);
    assert.equal(await textOf(sanctuary, 'label[for="f-link-referral"]'), "MARAC case's id");
    await expectPageHoldsExactlyTheView(sanctuary, job.name);
    await checkAxe(sanctuary, 'linked referrals: requested (sanctuary coordinator)');
    await screenshot(sanctuary, 'referral-link-requested');
    await tabUntil(sanctuary, `[data-link="${kase.name}"] button:not(.govuk-button--secondary)`, 40);
    await pressKey(sanctuary, 'Enter');
    await expectText(sanctuary, '.govuk-notification-banner', `Linked to ${caseId}.`);
    assert.equal(await sanctuary.evaluate(() => document.activeElement?.classList.contains('govuk-notification-banner')), true);
    assert.deepEqual(await linkShown(sanctuary, kase.name), {
      title: 'MARAC case',
      rows: [['Referral', caseId], ['Status', 'Linked'], ['Linked by', SANCTUARY_COORDINATOR]],
      buttons: [['Remove the link', `Remove the link to referral ${caseId}`]],
      href: `#/referrals/${caseId}`,
    });
    await checkAxe(sanctuary, 'linked referrals: linked (sanctuary coordinator)');

    // The MARAC coordinator, reloading the case, sees it linked.
    await coord.reload({ waitUntil: 'load' });
    await expectText(coord, 'main h1', `${kase.reference}: MARAC`);
    await waitFor(coord, `[data-link="${job.name}"] a`);
    assert.deepEqual(await linkShown(coord, job.name), {
      title: 'Target-hardening job',
      rows: [['Referral', jobId], ['Status', 'Linked'], ['Linked by', SANCTUARY_COORDINATOR]],
      buttons: [['Remove the link', `Remove the link to referral ${jobId}`]],
      href: `#/referrals/${jobId}`,
    });
    await expectPageHoldsExactlyTheView(coord, kase.name);
    await checkAxe(coord, 'linked referrals: linked (MARAC coordinator)');
    await screenshot(coord, 'referral-linked');
    for (const p of [ref, coord, sanctuary]) expectNoFaults(p);
    for (const p of [ref, coord, sanctuary]) await p.close();
  });

  test('consent withdrawn: the sanctuary coordinator withdraws consent on a job by keyboard; without a reason the server\'s message stands by the field; with it the job stops and the consent record says so',
    { timeout: 180000 }, async () => {
    const ref = await browsers.page('referrer');
    const sanctuary = await browsers.page('sanctuary');
    await open(ref, '/', 'Your safeguard');
    await open(sanctuary, '/', 'Your safeguard');
    const SANCTUARY_COORDINATOR = 'west-suffolk-council/person/sanctuary-coordinator';
    const submitted = await apiOk(ref, 'Referrals/SubmitReferral', {
      requestId: randomUUID(),
      referral: jobReferral({ fullName: 'Withdrawing Victim' }, '7 Example Road', 'IP33 1AA'),
    });
    // Accepted, and the coordinator's own.
    let r = await apiOk(sanctuary, 'Referrals/TransitionReferral', { name: submitted.name, action: 'begin_eligibility', version: submitted.version });
    r = await apiOk(sanctuary, 'Referrals/TransitionReferral', { name: r.name, action: 'accept', version: r.version });
    r = await apiOk(sanctuary, 'Referrals/AssignReferral', { name: r.name, assignee: SANCTUARY_COORDINATOR, version: r.version });
    const id = idOf(r.name);
    const textOf = (sel) => sanctuary.$eval(sel, (e) => e.innerText.replace(/\s+/g, ' ').trim());
    const focused = () => sanctuary.evaluate(() => document.activeElement?.id ?? '');

    await open(sanctuary, `/referrals/${id}`, `${submitted.reference}: Target hardening`);
    await sanctuary.waitForFunction(() => document.activeElement?.tagName === 'H1');
    await expectText(sanctuary, '[data-field="state"]', 'Accepted');
    // "Withdraw consent", chosen by keyboard: its form, with its heading focused.
    await tabUntil(sanctuary, 'button[data-action="withdraw_consent"]', 40);
    assert.equal(await textOf('button[data-action="withdraw_consent"]'), 'Withdraw consent');
    await pressKey(sanctuary, 'Enter');
    const form = 'form[data-action-form="withdraw_consent"]';
    await waitFor(sanctuary, form);
    await sanctuary.waitForFunction(() => document.activeElement?.matches('form[data-action-form] h3'));
    assert.equal(await textOf(`${form} h3`), 'Withdraw consent');
    // Who withdrew it (the same people as may give it) and why; no second "Why".
    assert.equal(await textOf(`${form} [data-field-group="consent.given_by"] legend`), 'Withdrawn by');
    assert.deepEqual(await sanctuary.$$eval(`${form} [data-field-group="consent.given_by"] .govuk-radios__label`,
      (ls) => ls.map((l) => l.innerText.trim())),
    ['The person themselves', 'Parent or guardian', 'Local authority (parental responsibility)']);
    assert.equal(await textOf(`${form} label[for="f-consent-reason"]`), 'Why consent was withdrawn');
    assert.deepEqual(await sanctuary.$$eval(`${form} [name]`, (els) => [...new Set(els.map((e) => e.name))]),
      ['consent.given_by', 'consent.reason']);
    await checkAxe(sanctuary, 'withdraw consent form');

    // The person themselves (Space on the first radio); no reason; sent.
    await pressKey(sanctuary, 'Tab');
    assert.equal(await focused(), 'f-consent-given-by');
    await pressKey(sanctuary, 'Space');
    assert.equal(await sanctuary.$eval('#f-consent-given-by', (i) => i.checked), true);
    await tabUntil(sanctuary, '#take-action', 5);
    await pressKey(sanctuary, 'Enter');
    await waitFor(sanctuary, `${form} .govuk-error-summary`);
    assert.deepEqual(await sanctuary.$$eval(`${form} .govuk-error-summary__list li`, (lis) => lis.map((li) => li.innerText.trim())),
      ['Why consent was withdrawn: is required for withdraw_consent']);
    assert.deepEqual(await sanctuary.$$eval(`${form} .govuk-form-group--error`, (gs) => gs.map((g) => [
      g.dataset.fieldGroup, g.querySelector('.govuk-error-message')?.innerText.replace(/\s+/g, ' ').trim()])),
    [['consent.reason', 'Error: Why consent was withdrawn: is required for withdraw_consent']]);
    assert.equal(await sanctuary.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary')), true);
    await checkAxe(sanctuary, 'withdraw consent form with an error');
    // The actions column, the form and its error in it, whole.
    const clip = await sanctuary.$eval('section[aria-labelledby="actions-title"]', (e) => {
      const b = e.getBoundingClientRect();
      return { x: b.left + window.scrollX - 20, y: b.top + window.scrollY - 20,
               width: b.width + 40, height: b.height + 40 };
    });
    await screenshot(sanctuary, 'withdraw-consent', { fullPage: false, clip });
    clearProblems(sanctuary);  // the refusal (HTTP 400) was the point
    const unchanged = await apiOk(sanctuary, 'Referrals/GetReferral', { name: r.name });
    assert.equal(unchanged.state, 'ACCEPTED');

    // The error's link to the field; the reason typed; sent again.
    const reason = 'No longer wants the works: moving to a refuge out of the area.';
    await pressKey(sanctuary, 'Tab');
    await pressKey(sanctuary, 'Enter');
    assert.equal(await focused(), 'f-consent-reason');
    await sanctuary.keyboard.type(reason);
    await tabUntil(sanctuary, '#take-action', 5);
    await pressKey(sanctuary, 'Enter');
    await expectText(sanctuary, '.govuk-notification-banner',
      'Withdraw consent: done. The referral is now consent withdrawn.');
    assert.equal(await sanctuary.evaluate(() => document.activeElement?.classList.contains('govuk-notification-banner')), true);
    assert.equal(await textOf('main h1 + p .govuk-tag'), 'Consent withdrawn');
    assert.equal(await textOf('[data-field="state"]'), 'Consent withdrawn');
    // The consent record: withdrawn, why, by whom and when, recorded by the coordinator.
    const consent = await sanctuary.$$eval('main h2', (hs) => {
      const list = hs.find((x) => x.innerText.trim() === 'Consent').nextElementSibling;
      return [...list.querySelectorAll('.govuk-summary-list__row')].map((row) =>
        [row.querySelector('dt').innerText.trim(), row.querySelector('dd').innerText.trim()]);
    });
    const recorded = consent.find(([k]) => k === 'Recorded');
    assert.match(recorded?.[1] ?? '', /^\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2}$/);
    assert.deepEqual(consent.filter(([k]) => k !== 'Recorded'), [
      ['Status', 'Withdrawn'], ['Why consent was withdrawn', reason],
      ['Recorded by', SANCTUARY_COORDINATOR], ['Withdrawn by', 'The person themselves'],
    ]);
    // The history says it, with why; the job is nobody's now, and only
    // recovering what was fitted is left.
    const { view } = await expectPageHoldsExactlyTheView(sanctuary, r.name);
    const h = `history[${view.history.findIndex((t) => t.action === 'withdraw_consent')}]`;
    assert.equal(await textOf(`[data-field="${h}.action"]`), 'Withdraw consent');
    assert.equal(await textOf(`[data-field="${h}.toState"]`), 'Consent withdrawn');
    assert.equal(await textOf(`[data-field="${h}.reason"]`), reason);
    assert.equal(await sanctuary.$('[data-field="assignee"]'), null);
    assert.deepEqual(await sanctuary.$$eval('button[data-action]', (bs) => bs.map((b) => b.dataset.action)),
      ['recover_and_close']);
    assert.equal(view.state, 'CONSENT_WITHDRAWN');
    assert.equal(view.assignee, undefined);
    assert.deepEqual({ ...view.consent, recordTime: undefined },
      { status: 'WITHDRAWN', givenBy: 'SUBJECT', reason, recordedBy: SANCTUARY_COORDINATOR, recordTime: undefined });
    await checkAxe(sanctuary, 'consent withdrawn');
    // Recovering what was never fitted is refused; the job stays as it is.
    expectNoFaults(sanctuary);
    await sanctuary.click('button[data-action="recover_and_close"]');
    await sanctuary.waitForSelector('input[name="recovery.measures_recovered"]');
    assert.equal(await textOf('#action-form-holder legend'), 'Measures taken back');
    await sanctuary.click('input[name="recovery.measures_recovered"][value="1"]');
    await sanctuary.click('#action-form-holder button[type="submit"]');
    await sanctuary.waitForSelector('.govuk-error-summary');
    assert.match(await textOf('.govuk-error-summary'), /was not installed/);
    await checkAxe(sanctuary, 'recovery refused');
    clearProblems(sanctuary);  // the refusal (HTTP 400) was the point
    const after = await apiOk(sanctuary, 'Referrals/GetReferral', { name: r.name });
    assert.equal(after.state, 'CONSENT_WITHDRAWN');
    for (const p of [ref, sanctuary]) expectNoFaults(p);
    for (const p of [ref, sanctuary]) await p.close();
  });

  test('corrections: the referrer corrects a job\'s postcode and a date of birth by keyboard (the postcode empty first); the history says what changed; the sanctuary coordinator sees it, the locksmith only the new address',
    { timeout: 180000 }, async () => {
    const ref = await browsers.page('referrer');
    const sanctuary = await browsers.page('sanctuary');
    const contractor = await browsers.page('contractor');
    const auditor = await browsers.page('auditor');
    await open(ref, '/', 'Your safeguard');
    await open(sanctuary, '/', 'Your safeguard');
    const OLD_POSTCODE = 'IP33 9XX';
    const NEW_POSTCODE = 'IP33 3YY';
    const job = await apiOk(ref, 'Referrals/SubmitReferral', {
      requestId: randomUUID(),
      referral: {
        kind: 'TARGET_HARDENING', area: 'west-suffolk', priority: 'HIGH',
        subjects: [{ fullName: 'Corrected Victim', dateOfBirth: { year: 1988, month: 4, day: 12 },
                     safeContact: { channels: ['PHONE'], phone: '07700 900456' } }],
        consent: { status: 'GIVEN', givenBy: 'SUBJECT' },
        targetHardening: {
          address: { lines: ['1 Example Row'], town: 'Bury St Edmunds', postcode: OLD_POSTCODE },
          accessInstructions: 'Side gate', measuresRequested: ['LOCKS'], tenure: 'OWNER_OCCUPIER',
          scheme: 'suffolk-target-hardening',
        },
      },
    });
    const id = idOf(job.name);
    const title = `${job.reference}: Target hardening`;
    const textOf = (page, sel) => page.$eval(sel, (e) => e.innerText.replace(/\s+/g, ' ').trim());
    const focused = (page) => page.evaluate(() => document.activeElement?.id ?? '');
    // A correction's changes as the timeline shows them, one line each:
    // "<field>: <before> → <after>".
    const changeLines = (page, step) => page.$$eval(`dt[data-field^="${step}.changes["]`, (dts) => dts.map((dt) => {
      const [before, after] = [...dt.nextElementSibling.querySelectorAll('[data-field]')].map((s) => s.innerText.trim());
      return `${dt.innerText.trim()}: ${before} → ${after}`;
    }));
    const LINES = [
      'Date of birth (person 1): 12 April 1988 → 21 April 1988',
      `Address of the property: 1 Example Row, Bury St Edmunds, ${OLD_POSTCODE} → 1 Example Row, Bury St Edmunds, ${NEW_POSTCODE}`,
    ];

    // The job's page: "Correct details", by keyboard.
    await open(ref, `/referrals/${id}`, title);
    await ref.waitForFunction(() => document.activeElement?.tagName === 'H1');
    await tabUntil(ref, '#correct-details', 10);
    await pressKey(ref, 'Enter');
    await expectText(ref, 'main h1', 'Correct details');
    await ref.waitForFunction(() => document.activeElement?.tagName === 'H1');
    assert.equal(await ref.evaluate(() => location.hash), `#/referrals/${id}/correct`);
    const form = 'form[data-correct]';
    // The fields a job's referrer may correct, and only those, as read.
    const answers = await ref.$$eval(`${form} [name]`, (els) => els.reduce((out, e) => {
      if (e.type === 'checkbox' || e.type === 'radio') {
        out[e.name] ??= [];
        if (e.checked) out[e.name].push(e.value);
      } else out[e.name] = e.value;
      return out;
    }, {}));
    assert.deepEqual(answers, {
      'referral.priority': '3',
      'referral.subjects[0].full_name': 'Corrected Victim',
      'referral.subjects[0].aliases': '',
      'referral.subjects[0].date_of_birth.day': '12',
      'referral.subjects[0].date_of_birth.month': '4',
      'referral.subjects[0].date_of_birth.year': '1988',
      'referral.subjects[0].identifiers.nhs_number': '',
      'referral.subjects[0].identifiers.pnc_id': '',
      'referral.subjects[0].address.lines': '',
      'referral.subjects[0].address.town': '',
      'referral.subjects[0].address.postcode': '',
      'referral.target_hardening.address.lines': '1 Example Row',
      'referral.target_hardening.address.town': 'Bury St Edmunds',
      'referral.target_hardening.address.postcode': OLD_POSTCODE,
      'referral.target_hardening.access_instructions': 'Side gate',
      'referral.target_hardening.measures_requested': ['1'],
      'referral.target_hardening.tenure': ['1'],
      'referral.target_hardening.landlord_permission': [],
      'referral.target_hardening.fire_arson_risk': [],
    });
    await checkAxe(ref, 'correct details form');
    await screenshot(ref, 'correct-details');

    // The day of birth retyped and the postcode emptied: the server names
    // the postcode, and the page puts its message beside it.
    await tabUntil(ref, '#f-referral-subjects-0-date-of-birth', 10);
    await pressKey(ref, 'Control+a');
    await ref.keyboard.type('21');
    await tabUntil(ref, '#f-referral-target-hardening-address-postcode', 20);
    await pressKey(ref, 'Control+a');
    await pressKey(ref, 'Backspace');
    await tabUntil(ref, '#save-corrections', 40);
    await pressKey(ref, 'Enter');
    await waitFor(ref, '.govuk-error-summary');
    assert.deepEqual(await ref.$$eval('.govuk-error-summary__list li', (lis) => lis.map((li) => li.innerText.trim())),
      ['Postcode: is required']);
    assert.deepEqual(await ref.$$eval('.govuk-form-group--error', (gs) => gs.map((g) => [
      g.dataset.fieldGroup, g.querySelector('.govuk-error-message')?.innerText.replace(/\s+/g, ' ').trim()])),
    [['referral.target_hardening.address.postcode', 'Error: Postcode: is required']]);
    assert.equal(await ref.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary')), true);
    await checkAxe(ref, 'correct details form with an error');
    await screenshot(ref, 'correct-details-errors', { fullPage: false });
    clearProblems(ref);  // the refusal (HTTP 400) was the point
    const unchanged = await apiOk(ref, 'Referrals/GetReferral', { name: job.name });
    assert.equal(unchanged.version, job.version);
    assert.deepEqual(unchanged.subjects[0].dateOfBirth, { year: 1988, month: 4, day: 12 });

    // The error's link to the field; the new postcode typed; saved.
    await pressKey(ref, 'Tab');
    await pressKey(ref, 'Enter');
    assert.equal(await focused(ref), 'f-referral-target-hardening-address-postcode');
    await ref.keyboard.type(NEW_POSTCODE);
    await tabUntil(ref, '#save-corrections', 40);
    await pressKey(ref, 'Enter');
    await expectText(ref, '.govuk-notification-banner', 'Details corrected.');
    await expectText(ref, 'main h1', title);
    await ref.waitForFunction(() => document.activeElement?.classList.contains('govuk-notification-banner'));
    assert.equal(await ref.evaluate(() => location.hash), `#/referrals/${id}`);
    assert.equal(await textOf(ref, '[data-field="targetHardening.address.postcode"]'), NEW_POSTCODE);
    assert.equal(await textOf(ref, '[data-field="subjects[0].dateOfBirth"]'), '21 April 1988');
    // One correction, of the two fields changed, each before and after.
    const { view } = await expectPageHoldsExactlyTheView(ref, job.name);
    const corrections = view.history.filter((t) => t.action === 'correct');
    assert.equal(corrections.length, 1);
    assert.deepEqual(corrections[0].changes, [
      { path: 'subjects[0].date_of_birth', before: '{"year":1988,"month":4,"day":12}',
        after: '{"year":1988,"month":4,"day":21}' },
      { path: 'target_hardening.address',
        before: `{"lines":["1 Example Row"],"town":"Bury St Edmunds","postcode":"${OLD_POSTCODE}"}`,
        after: `{"lines":["1 Example Row"],"town":"Bury St Edmunds","postcode":"${NEW_POSTCODE}"}` },
    ]);
    const step = `history[${view.history.indexOf(corrections[0])}]`;
    assert.equal(await textOf(ref, `[data-field="${step}.action"]`), 'Details corrected');
    assert.equal(await textOf(ref, `[data-field="${step}.actor"]`), 'probation-service/person/officer');
    assert.deepEqual(await changeLines(ref, step), LINES);
    await checkAxe(ref, 'details corrected');
    await ref.$eval('#history-title', (e) => e.scrollIntoView());
    await screenshot(ref, 'details-corrected', { fullPage: false });
    // Nothing typed is kept in the browser, nor put in its address.
    assert.deepEqual(await ref.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie]), [0, 0, '']);
    expectNoFaults(ref);

    // The sanctuary coordinator's timeline says the same.
    await open(sanctuary, `/referrals/${id}`, title);
    await expectPageHoldsExactlyTheView(sanctuary, job.name);
    assert.deepEqual(await changeLines(sanctuary, step), LINES);
    await checkAxe(sanctuary, 'a corrected job (sanctuary coordinator)');
    expectNoFaults(sanctuary);

    // Accepted and given to the locksmith, whose page holds the new address
    // and nothing of the old one.
    let r = await apiOk(sanctuary, 'Referrals/GetReferral', { name: job.name });
    r = await apiOk(sanctuary, 'Referrals/TransitionReferral', { name: r.name, action: 'begin_eligibility', version: r.version });
    r = await apiOk(sanctuary, 'Referrals/TransitionReferral', { name: r.name, action: 'accept', version: r.version });
    r = await apiOk(sanctuary, 'Referrals/AssignReferral', { name: r.name, assignee: 'safe-partnership/person/locksmith', version: r.version });
    await open(contractor, `/referrals/${id}`, title);
    assert.equal(await textOf(contractor, '[data-field="targetHardening.address.postcode"]'), NEW_POSTCODE);
    await expectPageHoldsExactlyTheView(contractor, job.name);
    assert.equal(await contractor.evaluate((old) => document.documentElement.outerHTML.includes(old), OLD_POSTCODE), false,
      'the locksmith\'s page holds the old postcode');
    assert.equal(await contractor.$('#correct-details'), null);
    await checkAxe(contractor, 'a corrected job (contractor)');
    expectNoFaults(contractor);

    // The audit log names the fields changed, not their values.
    await open(auditor, '/audit', 'Audit log');
    await setField(auditor, 'filter.referral', id);
    await setField(auditor, 'filter.method', 'safeguard.v1.Referrals/UpdateReferral');
    await auditor.click('#audit-search');
    await waitFor(auditor, '#audit-entries');
    assert.deepEqual(await auditor.$$eval('#audit-entries tbody tr', (trs) => trs.map((tr) =>
      [tr.children[5].innerText.trim(), tr.children[7].innerText.trim()])),
    [['Invalid Argument', ''], ['OK', 'Fields changed: Date of birth (person 1), Address of the property']]);
    await checkAxe(auditor, 'audit log of corrections');
    expectNoFaults(auditor);
    for (const p of [ref, sanctuary, contractor, auditor]) await p.close();
  });

  test('corrections: the MARAC coordinator adds a child and renames the perpetrator; nothing changed is said without a call, a change meanwhile is said and reloaded',
    { timeout: 180000 }, async () => {
    const ref = await browsers.page('referrer');
    const coord = await browsers.page('coordinator');
    await open(ref, '/', 'Your safeguard');
    await open(coord, '/', 'Your safeguard');
    const set = (await apiOk(ref, 'ServerInfo/GetServerInfo', {})).dashQuestionSets[0];
    const kase = await apiOk(ref, 'Referrals/SubmitReferral', {
      requestId: randomUUID(),
      referral: maracReferral(set, { fullName: 'Corrected Victim' },
        { fullName: 'Perpetrator Before' },
        { children: [{ fullName: 'Child One', dateOfBirth: { year: 2015, month: 3 }, school: 'School Example' }] }),
    });
    const id = idOf(kase.name);
    const updates = [];
    // The console's own calls (in protobuf; the journey's calls are JSON).
    coord.on('request', (q) => {
      if (q.url().endsWith('.Referrals/UpdateReferral') && q.headers()['content-type'] === 'application/proto') updates.push(q.url());
    });
    await open(coord, `/referrals/${id}/correct`, 'Correct details');

    // Saved as read: said at once, and nothing sent.
    await coord.click('#save-corrections');
    await expectText(coord, '.govuk-error-summary', 'Nothing has been changed. Change the answers that are wrong, then save.');
    assert.deepEqual(updates, []);
    await checkAxe(coord, 'correct details: nothing changed');

    const edit = async () => {
      await setField(coord, 'referral.marac.perpetrator.full_name', 'Perpetrator After');
      await setField(coord, 'referral.marac.perpetrator.identifiers.pnc_id', '80/1234567K');
      // A second child, by keyboard: "Add child" puts focus in its name.
      await tabUntil(coord, 'button[data-add="referral.marac.children"]', 60);
      await pressKey(coord, 'Enter');
      await coord.waitForFunction(() => document.activeElement?.name === 'referral.marac.children[1].full_name');
      await coord.keyboard.type('Child Two');
      await setField(coord, 'referral.marac.children[1].date_of_birth.year', '2019');
    };
    await edit();
    await checkAxe(coord, 'correct details: a child added');

    // Meanwhile the risk is corrected elsewhere: this correction is refused,
    // said, and the form reloaded (its edits lost).
    const current = await apiOk(coord, 'Referrals/GetReferral', { name: kase.name });
    await apiOk(coord, 'Referrals/UpdateReferral', {
      referral: { name: kase.name, version: current.version, priority: 'CRITICAL' }, updateMask: 'priority' });
    await coord.click('#save-corrections');
    await expectText(coord, '.govuk-error-summary', 'This referral was changed by someone else: reload it and try again.');
    await checkAxe(coord, 'correct details: changed by someone else');
    clearProblems(coord);  // the conflict (HTTP 409) was the point
    await coord.click('#reload-referral');
    await coord.waitForFunction(() => !document.querySelector('.govuk-error-summary') &&
                                      document.querySelector('[name="referral.priority"]')?.value === '4');
    assert.equal(await coord.$eval('[name="referral.marac.perpetrator.full_name"]', (i) => i.value), 'Perpetrator Before');
    await edit();
    await coord.click('#save-corrections');
    await expectText(coord, '.govuk-notification-banner', 'Details corrected.');
    const { view } = await expectPageHoldsExactlyTheView(coord, kase.name);
    const steps = view.history.filter((t) => t.action === 'correct');
    assert.deepEqual(steps.map((t) => t.changes.map((c) => c.path)),
      [['priority'], ['marac.perpetrator.full_name', 'marac.perpetrator.identifiers', 'marac.children']]);
    const shown = await coord.$$eval(`dt[data-field^="history[${view.history.indexOf(steps[1])}].changes["]`, (dts) =>
      dts.map((dt) => [dt.innerText.trim(), ...[...dt.nextElementSibling.querySelectorAll('[data-field]')].map((s) => s.innerText.trim())]));
    assert.deepEqual(shown, [
      ['Name (perpetrator)', 'Perpetrator Before', 'Perpetrator After'],
      ['NHS number and PNC id (perpetrator)', '(none)', 'PNC id: 80/1234567K'],
      ['Children', 'Child One, March 2015, School Example', 'Child One, March 2015, School Example; Child Two, 2019'],
    ]);
    assert.equal(updates.length, 2, 'the correction refused and the one saved');
    await checkAxe(coord, 'MARAC case corrected');
    expectNoFaults(coord);
    expectNoFaults(ref);
    for (const p of [ref, coord]) await p.close();
  });

  test('also known to: a MARAC victim, Jonathan Example, and a target-hardening job for Jon Example born the same day; each coordinator sees the other referral as a possible match, its referrers nothing of it',
    { timeout: 180000 }, async () => {
    const ref = await browsers.page('referrer');
    const lead = await browsers.page('lead');
    const coord = await browsers.page('coordinator');
    const sanctuary = await browsers.page('sanctuary');
    await open(ref, '/', 'Your safeguard');
    await open(lead, '/', 'Your safeguard');
    const info = await apiOk(ref, 'ServerInfo/GetServerInfo', {});
    const set = info.dashQuestionSets[0];
    // No one else in these journeys has these names, nor this date of birth.
    const BORN = { year: 1984, month: 7, day: 23 };
    const kase = await apiOk(ref, 'Referrals/SubmitReferral', {
      requestId: randomUUID(),
      referral: maracReferral(set, { fullName: 'Jonathan Example', dateOfBirth: BORN },
        { fullName: 'Perpetrator Unmatched' }),
    });
    // The job, by another agency's referrer (the council's safeguarding lead).
    const job = await apiOk(lead, 'Referrals/SubmitReferral', {
      requestId: randomUUID(),
      referral: jobReferral({ fullName: 'Jon Example', dateOfBirth: BORN }, '9 Elsewhere Lane', 'IP33 2ZZ'),
    });
    // "6 December 2026", the day the console writes for a time.
    const dayOf = (iso) => new Intl.DateTimeFormat('en-GB', {
      timeZone: info.timeZone || 'Europe/London', day: 'numeric', month: 'long', year: 'numeric',
    }).format(new Date(iso));
    const seconds = (iso) => Math.floor(Date.parse(iso) / 1000);
    // The panel's rows as read: the person here, where else, the match
    // (without the buttons, read apart).
    const panelRows = (page) => page.$$eval('#also-known-to tbody tr', (trs) => trs.map((tr) =>
      [...tr.children].map((c) => (c.querySelector('.app-match') ?? c).innerText.replace(/\s+/g, ' ').trim())));
    const panelButtons = (page) => page.$$eval('#also-known-to tbody tr', (trs) => trs.map((tr) =>
      [...tr.querySelectorAll('button')].map((b) => b.innerText.replace(/\s+/g, ' ').trim())));
    const panelLinks = (page) => page.$$eval('#also-known-to tbody tr', (trs) => trs.map((tr) =>
      [...tr.querySelectorAll('a')].map((a) => [a.innerText.trim(), a.getAttribute('href')])));
    const PERSON_RECORD = /^people\/[A-Za-z0-9_-]+$/;
    const panelFrame = (page) => page.$eval('#also-known-to', (s) => ({
      heading: s.querySelector('h2').innerText.trim(),
      inset: s.querySelector('.govuk-inset-text').innerText.trim(),
      caption: s.querySelector('caption').innerText.trim(),
      columns: [...s.querySelectorAll('thead th')].map((th) => th.innerText.trim()),
    }));
    const FRAME = {
      heading: 'Also known to',
      inset: 'Unless marked confirmed, these are possible matches: safeguard compares names, dates of birth, NHS numbers ' +
        'and PNC ids, and these other referrals name someone who may be a person in this one. Judge whether each is ' +
        'the same person before acting on it. What those referrals hold is not shown.',
      caption: 'Other referrals that may name the same people, most alike first',
      columns: ['In this referral', 'Known to', 'Match'],
    };
    // Nothing of the other referral but its kind, agency, state and date:
    // not its id, reference, names or address.
    const holdsNothingOf = async (page, other, words) => {
      const html = await page.evaluate(() => document.documentElement.outerHTML);
      for (const w of [idOf(other.name), other.reference, ...words]) {
        assert.ok(!html.includes(w), `the page holds ${w}`);
      }
    };

    // The MARAC coordinator: the victim is known to the job.
    await open(coord, `/referrals/${idOf(kase.name)}`, `${kase.reference}: MARAC`);
    await waitFor(coord, '#also-known-to');
    const { view: caseView } = await expectPageHoldsExactlyTheView(coord, kase.name);
    assert.equal(caseView.alsoKnownTo.length, 1);
    const { createTime: jobTime, personRecord: victimRecord, otherPersonRecord: jobRecord, ...jobKnown } =
        caseView.alsoKnownTo[0];
    assert.match(victimRecord, PERSON_RECORD);
    assert.match(jobRecord, PERSON_RECORD);
    assert.notEqual(victimRecord, jobRecord);
    assert.deepEqual(jobKnown, {
      kind: 'TARGET_HARDENING', referringAgency: 'west-suffolk-council', state: 'REFERRED',
      person: 'subjects[0]', namedAs: 'subject', score: 90, reasons: ['nickname', 'same_date_of_birth'],
    });
    assert.equal(seconds(jobTime), seconds(job.createTime));
    assert.deepEqual(await panelFrame(coord), FRAME);
    assert.deepEqual(await panelRows(coord), [[
      'The victim',
      `A target-hardening referral from west-suffolk-council, which names them as the victim. Received ${dayOf(jobTime)}, now referred. Open person record`,
      '90 of 100: nickname, same date of birth',
    ]]);
    // The victim's person record and the other's; the coordinator decides.
    assert.deepEqual(await panelLinks(coord), [[
      ['The victim', `#/people/${victimRecord.slice('people/'.length)}`],
      ['Open person record', `#/people/${jobRecord.slice('people/'.length)}`],
    ]]);
    const DECIDE = ['Same person (the victim and the target-hardening referral from west-suffolk-council)',
      'Not the same person (the victim and the target-hardening referral from west-suffolk-council)'];
    assert.deepEqual(await panelButtons(coord), [DECIDE]);
    await holdsNothingOf(coord, job, ['Jon Example', '9 Elsewhere Lane', 'IP33 2ZZ']);
    await checkAxe(coord, 'also known to (MARAC coordinator)');
    await coord.$eval('#also-known-to', (e) => e.scrollIntoView());
    await screenshot(coord, 'also-known-to', { fullPage: false });
    // A change made on the page keeps the list: its answer has none.
    await clickAndWait(coord, 'button[data-action="begin_screening"]');
    await clickAndWait(coord, '#take-action');
    await expectText(coord, '.govuk-notification-banner', 'Begin screening: done.');
    assert.equal((await panelRows(coord)).length, 1);
    await expectPageHoldsExactlyTheView(coord, kase.name);

    // The sanctuary coordinator: the job's victim is known to the case.
    await open(sanctuary, `/referrals/${idOf(job.name)}`, `${job.reference}: Target hardening`);
    await waitFor(sanctuary, '#also-known-to');
    const { view: jobView } = await expectPageHoldsExactlyTheView(sanctuary, job.name);
    assert.equal(jobView.alsoKnownTo.length, 1);
    const { createTime: caseTime, personRecord: jobSide, otherPersonRecord: caseSide, ...caseKnown } =
        jobView.alsoKnownTo[0];
    assert.deepEqual([jobSide, caseSide], [jobRecord, victimRecord]);
    assert.deepEqual(caseKnown, {
      kind: 'MARAC', referringAgency: 'probation-service', state: 'COORDINATOR_SCREEN',
      person: 'subjects[0]', namedAs: 'subject', score: 90, reasons: ['nickname', 'same_date_of_birth'],
    });
    assert.equal(seconds(caseTime), seconds(kase.createTime));
    assert.deepEqual(await panelFrame(sanctuary), FRAME);
    assert.deepEqual(await panelRows(sanctuary), [[
      'The victim',
      `A MARAC referral from probation-service, which names them as the victim. Received ${dayOf(caseTime)}, now coordinator screen. Open person record`,
      '90 of 100: nickname, same date of birth',
    ]]);
    assert.deepEqual(await panelButtons(sanctuary), [[
      'Same person (the victim and the MARAC referral from probation-service)',
      'Not the same person (the victim and the MARAC referral from probation-service)']]);
    await holdsNothingOf(sanctuary, kase, ['Jonathan Example', 'Perpetrator Unmatched']);
    await checkAxe(sanctuary, 'also known to (sanctuary coordinator)');

    // The referrers: their answers have no list, and their pages nothing of it.
    for (const [page, r, title] of [[ref, kase, `${kase.reference}: MARAC`],
                                    [lead, job, `${job.reference}: Target hardening`]]) {
      await open(page, `/referrals/${idOf(r.name)}`, title);
      const { view } = await expectPageHoldsExactlyTheView(page, r.name);
      assert.equal(view.alsoKnownTo, undefined);
      assert.equal(await page.$('#also-known-to'), null);
      assert.equal(await page.$('[data-field^="alsoKnownTo"]'), null);
      const text = await page.$eval('main', (m) => m.innerText);
      for (const w of ['Also known to', 'possible match', 'names them as', 'of 100']) {
        assert.ok(!text.includes(w), `a referrer's page says ${w}`);
      }
      await checkAxe(page, 'a referral without the panel (its referrer)');
    }

    // The MARAC coordinator confirms the match from the panel: the victim's
    // record is read for its version, the job's merged into it, and the
    // case read again: confirmed, the same record on both sides, no buttons.
    const merges = [];
    coord.on('request', (q) => {
      if (/\.People\/(GetPerson|MergePeople|RejectMatch)$/.test(q.url())) merges.push(q.url().replace(/^.*\.People\//, ''));
    });
    await open(coord, `/referrals/${idOf(kase.name)}`, `${kase.reference}: MARAC`);
    await clickAndWait(coord, '#also-known-to button[data-decide="same"]');
    await expectText(coord, '.govuk-notification-banner', 'Confirmed as the same person: their person records are merged.');
    assert.deepEqual(merges, ['GetPerson', 'MergePeople']);
    const { view: confirmedView } = await expectPageHoldsExactlyTheView(coord, kase.name);
    const { createTime: _t, ...confirmed } = confirmedView.alsoKnownTo[0];
    assert.deepEqual(confirmed, { ...jobKnown, personRecord: victimRecord, otherPersonRecord: victimRecord, confirmed: true });
    assert.deepEqual(await panelRows(coord), [[
      'The victim',
      `A target-hardening referral from west-suffolk-council, which names them as the victim. Received ${dayOf(jobTime)}, now referred. Open person record`,
      'Confirmed: same person 90 of 100: nickname, same date of birth',
    ]]);
    assert.deepEqual(await panelButtons(coord), [[]]);
    await checkAxe(coord, 'also known to, confirmed (MARAC coordinator)');
    for (const p of [ref, lead, coord, sanctuary]) expectNoFaults(p);
    for (const p of [ref, lead, coord, sanctuary]) await p.close();
  });

  test('repeat claimed: a referrer, by keyboard, says a MARAC referral is a repeat safeguard cannot know about (too long first, refused beside the field); the coordinator sees "Repeat (claimed by the referrer)" and the claim',
    { timeout: 180000 }, async () => {
    const ref = await browsers.page('referrer');
    const coord = await browsers.page('coordinator');
    const CLAIM = 'Heard at the Norfolk MARAC in March 2026, before she moved to Suffolk.';
    const LABEL = 'Is this a repeat that safeguard cannot know about? (optional)';
    const textOf = (page, sel) => page.$eval(sel, (e) => e.innerText.replace(/\s+/g, ' ').trim());
    await open(ref, '/submit/marac', 'MARAC referral');
    await ref.waitForFunction(() => document.activeElement?.tagName === 'H1');
    await tabUntil(ref, '#f-referral-area', 10);
    await pressKey(ref, 'ArrowDown');   // the first area
    await tabUntil(ref, '#f-referral-priority', 3);
    for (let i = 0; i < 3; i++) await pressKey(ref, 'ArrowDown');   // high
    await tabUntil(ref, '#f-referral-subjects-0-full-name', 3);
    await ref.keyboard.type('Morwenna Claimant');
    await tabUntil(ref, '#f-referral-marac-perpetrator-full-name', 60);
    await ref.keyboard.type('Perpetrator Claimed');
    await tabUntil(ref, '#f-referral-marac-relationship', 30);
    await ref.keyboard.type('ex-partner');
    // Every DASH answer no: only the claim makes it a MARAC case.
    await tabUntil(ref, '#f-referral-marac-dash-answers-0-', 120);
    for (let i = 0; i < 24; i++) {
      await pressKey(ref, 'ArrowRight');
      if (i < 23) await tabUntil(ref, `[name="referral.marac.dash.answers[${i + 1}]"]`, 3);
    }
    await expectText(ref, '#dash-score', 'DASH score: 0 of 24 (24 answered). Meets no MARAC criterion yet.');
    await tabUntil(ref, '#f-referral-marac-repeat-claim', 10);
    assert.equal(await textOf(ref, 'label[for="f-referral-marac-repeat-claim"]'), LABEL);
    assert.equal(await textOf(ref, '#f-referral-marac-repeat-claim-hint'),
      "For example, the victim was heard at another area's MARAC in the last 12 months, or before safeguard was used. Say where and when.");
    // Pasted: more than the 1000 bytes a claim may have.
    await ref.keyboard.sendCharacter('Heard before. '.repeat(72));
    await expectText(ref, '#dash-score', 'Meets the MARAC criteria: repeat (as you say).');
    await tabUntil(ref, '#f-referral-consent-status', 20);
    await pressKey(ref, 'Space');   // given
    await tabUntil(ref, '#f-referral-consent-given-by', 5);
    await pressKey(ref, 'Space');   // by the person themselves
    await tabUntil(ref, '#submit-referral', 40);
    await pressKey(ref, 'Enter');
    await waitFor(ref, '.govuk-error-summary');
    assert.deepEqual(await ref.$$eval('.govuk-error-summary__list li', (lis) => lis.map((li) => li.innerText.trim())),
      [`${LABEL}: must be at most 1000 bytes`]);
    assert.deepEqual(await ref.$$eval('.govuk-form-group--error', (gs) => gs.map((g) => [
      g.dataset.fieldGroup, g.querySelector('.govuk-error-message')?.innerText.replace(/\s+/g, ' ').trim()])),
    [['referral.marac.repeat_claim', `Error: ${LABEL}: must be at most 1000 bytes`]]);
    assert.equal(await ref.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary')), true);
    await checkAxe(ref, 'MARAC form with a repeat claim too long');
    clearProblems(ref);  // the refusal (HTTP 400) was the point
    // The error's link to the field; the claim typed afresh; sent.
    await pressKey(ref, 'Tab');
    await pressKey(ref, 'Enter');
    assert.equal(await ref.evaluate(() => document.activeElement?.id), 'f-referral-marac-repeat-claim');
    await pressKey(ref, 'Control+a');
    await ref.keyboard.type(CLAIM);
    await tabUntil(ref, '#submit-referral', 40);
    await pressKey(ref, 'Enter');
    await expectText(ref, '.govuk-panel__title', 'Referral submitted');
    const reference = await textOf(ref, '#reference');
    await tabUntil(ref, 'main a[href^="#/referrals/"]', 10);
    const id = (await ref.evaluate(() => document.activeElement.getAttribute('href'))).slice('#/referrals/'.length);
    const name = `referrals/${id}`;
    await pressKey(ref, 'Enter');
    await expectText(ref, 'main h1', `${reference}: MARAC`);

    // The referrer's page: the claim, and not the criteria (not in its view).
    const claimRow = (page) => page.$eval('dd[data-field="marac.repeatClaim"]', (dd) =>
      [dd.previousElementSibling.innerText.trim(), dd.innerText.trim()]);
    assert.deepEqual(await claimRow(ref), ['Why the referrer says this is a repeat', CLAIM]);
    const { view: referrers } = await expectPageHoldsExactlyTheView(ref, name);
    assert.deepEqual(Object.keys(referrers.marac).filter((k) => k.startsWith('repeat') || k === 'criteria'), ['repeatClaim']);
    assert.ok(!(await textOf(ref, 'main')).includes('claimed by the referrer'));
    await checkAxe(ref, 'a claimed repeat (referrer)');
    expectNoFaults(ref);

    // The coordinator's: REPEAT the one criterion, marked as claimed, and
    // the claim beside it.
    await open(coord, `/referrals/${id}`, `${reference}: MARAC`);
    const { view } = await expectPageHoldsExactlyTheView(coord, name);
    assert.deepEqual([view.marac.criteria, view.marac.repeatClaimed, view.marac.repeatClaim], [['REPEAT'], true, CLAIM]);
    assert.equal(await textOf(coord, 'dd[data-field="marac.criteria"]'), 'Repeat (claimed by the referrer)');
    assert.equal(await textOf(coord, '[data-field="marac.repeatClaimed"]'), '(claimed by the referrer)');
    assert.deepEqual(await coord.$eval('dd[data-field="marac.criteria"]', (dd) => {
      const next = dd.parentElement.nextElementSibling;
      return [dd.previousElementSibling.innerText.trim(), next.querySelector('dt').innerText.trim(),
              next.querySelector('dd').dataset.field, next.querySelector('dd').innerText.trim()];
    }), ['Criteria', 'Why the referrer says this is a repeat', 'marac.repeatClaim', CLAIM]);
    await checkAxe(coord, 'a claimed repeat (coordinator)');
    expectNoFaults(coord);
    for (const p of [ref, coord]) await p.close();
  });

  test('people search: the MARAC coordinator, by keyboard alone, searches without a reason (refused beside the field), then with one; the records found show names only from the referrals it may read',
    { timeout: 180000 }, async () => {
    const ref = await browsers.page('referrer');
    const lead = await browsers.page('lead');
    const coord = await browsers.page('coordinator');
    await open(ref, '/', 'Your safeguard');
    await open(lead, '/', 'Your safeguard');
    const info = await apiOk(ref, 'ServerInfo/GetServerInfo', {});
    const set = info.dashQuestionSets[0];
    // No one else in these journeys has these names, this date of birth or
    // these identifiers.
    const BORN = { year: 1979, month: 5, day: 14 };
    const NHS = '4010232137';
    const PNC = '79/654321K';
    const REASON = 'Screening a new MARAC case: is the victim known to other agencies?';
    // A MARAC case the coordinator may read, and a target-hardening job it
    // may not, naming the same man (a nickname, the same NHS number).
    const kase = await apiOk(ref, 'Referrals/SubmitReferral', {
      requestId: randomUUID(),
      referral: maracReferral(set, { fullName: 'William Searchable', dateOfBirth: BORN,
        identifiers: [{ type: 'NHS_NUMBER', value: NHS }] },
        { fullName: 'Perpetrator Searched' }),
    });
    const job = await apiOk(lead, 'Referrals/SubmitReferral', {
      requestId: randomUUID(),
      referral: jobReferral({ fullName: 'Bill Searchable', aliases: ['Billy Elsewhere'], dateOfBirth: BORN,
        identifiers: [{ type: 'NHS_NUMBER', value: NHS }, { type: 'PNC_ID', value: PNC }] }, '3 Searched Close', 'IP33 4SS'),
    });
    const dayOf = (iso) => new Intl.DateTimeFormat('en-GB', {
      timeZone: info.timeZone || 'Europe/London', day: 'numeric', month: 'long', year: 'numeric',
    }).format(new Date(iso));
    const caseSays = `A MARAC referral from probation-service, which names them as the victim. Received ${dayOf(kase.createTime)}, now submitted.`;
    const jobSays = `A target-hardening referral from west-suffolk-council, which names them as the victim. Received ${dayOf(job.createTime)}, now referred.`;
    const cellsOf = (page, rows) => page.$$eval(rows, (trs) => trs.map((tr) =>
      [...tr.children].map((c) => c.innerText.replace(/\s+/g, ' ').trim())));
    const factsOf = (page) => page.$$eval('#person-facts .govuk-summary-list__row', (rs) => rs.map((r) =>
      [r.querySelector('dt').innerText.trim(), r.querySelector('dd').innerText.replace(/\s+/g, ' ').trim()]));
    const candidatesOf = (page) => page.$$eval('#person-candidates [data-candidate]', (cs) => cs.map((c) => [
      c.dataset.candidate, c.querySelector('h3').innerText.trim(),
      ...[...c.querySelectorAll('.govuk-summary-list__row')].map((r) =>
        `${r.querySelector('dt').innerText.trim()}: ${r.querySelector('dd').innerText.replace(/\s+/g, ' ').trim()}`),
      ...[...c.querySelectorAll('button')].map((b) => b.innerText.replace(/\s+/g, ' ').trim())]));
    const holdsNone = async (page, words) => {
      const html = await page.evaluate(() => document.documentElement.outerHTML);
      for (const w of words) assert.ok(!html.includes(w), `the page holds ${w}`);
    };

    // A referrer is offered no People.
    assert.equal(await ref.$('a.moj-sub-navigation__link[href="#/people"]'), null);

    // The coordinator: People from the navigation, and the form, by keyboard.
    await open(coord, '/', 'Your safeguard');
    await coord.waitForFunction(() => document.activeElement?.tagName === 'H1');
    await tabUntil(coord, 'a.moj-sub-navigation__link[href="#/people"]', 20, { shift: true });
    await pressKey(coord, 'Enter');
    await expectText(coord, 'main h1', 'Find a person');
    await coord.waitForFunction(() => document.activeElement?.tagName === 'H1');
    assert.deepEqual(await coord.$$eval('main form [data-field-group]', (gs) => gs.map((g) => [g.dataset.fieldGroup,
      g.querySelector('.govuk-fieldset__legend, .govuk-label').innerText.trim()])), [
      ['full_name', 'Full name'], ['date_of_birth', 'Date of birth (optional)'],
      ['identifiers.nhs_number', 'NHS number (optional)'], ['identifiers.pnc_id', 'PNC id (optional)'],
      ['reason', 'Why are you searching?'],
    ]);
    await checkAxe(coord, 'people search');
    await tabUntil(coord, '#f-full-name', 5);
    await coord.keyboard.type('William Searchable');
    await tabUntil(coord, '#f-date-of-birth', 3);
    await coord.keyboard.type('14');
    await tabUntil(coord, '#f-date-of-birth-month', 1);
    await coord.keyboard.type('5');
    await tabUntil(coord, '#f-date-of-birth-year', 1);
    await coord.keyboard.type('1979');
    // No reason: the server's message stands beside the field.
    await tabUntil(coord, '#search-people', 5);
    await pressKey(coord, 'Enter');
    await waitFor(coord, '.govuk-error-summary');
    const NO_REASON = 'Why are you searching?: is required: say why you are searching, in at least 10 characters';
    assert.deepEqual(await coord.$$eval('.govuk-error-summary__list li', (lis) => lis.map((li) => li.innerText.trim())),
      [NO_REASON]);
    assert.deepEqual(await coord.$$eval('.govuk-form-group--error', (gs) => gs.map((g) => [
      g.dataset.fieldGroup, g.querySelector('.govuk-error-message')?.innerText.replace(/\s+/g, ' ').trim()])),
    [['reason', `Error: ${NO_REASON}`]]);
    assert.equal(await coord.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary')), true);
    assert.equal(await coord.$('#people-results h2'), null);
    await checkAxe(coord, 'people search without a reason');
    clearProblems(coord);  // the refusal (HTTP 400) was the point
    // The error's link to the field; the reason typed; searched.
    await pressKey(coord, 'Tab');
    await pressKey(coord, 'Enter');
    assert.equal(await coord.evaluate(() => document.activeElement?.id), 'f-reason');
    await coord.keyboard.type(REASON);
    await tabUntil(coord, '#search-people', 3);
    await pressKey(coord, 'Enter');
    await expectText(coord, '#people-results h2', '2 records found');
    assert.equal(await coord.evaluate(() => document.activeElement?.textContent), '2 records found');
    assert.equal(await coord.$('.govuk-error-summary'), null);
    const found = await coord.$$eval('#people-found tbody tr', (trs) => trs.map((tr) => tr.dataset.person));
    assert.equal(found.length, 2);
    const [caseRecord, jobRecord] = found;
    assert.deepEqual(await cellsOf(coord, '#people-found tbody tr'), [
      ['100 of 100: same name, same date of birth', caseSays, 'Open person record 1 of 2'],
      ['90 of 100: nickname, same date of birth', jobSays, 'Open person record 2 of 2'],
    ]);
    // The search's terms are in no address.
    assert.match(coord.url(), /#\/people$/);
    await checkAxe(coord, 'people found');
    await screenshot(coord, 'people-search');

    // A name alone: the same name only (not the nickname), newest first.
    const setBorn = async (born) => {
      for (const part of ['day', 'month', 'year']) await setField(coord, `date_of_birth.${part}`, born[part]);
    };
    await setBorn({ day: '', month: '', year: '' });
    await coord.click('#search-people');
    await expectText(coord, '#people-results h2', '1 record found');
    assert.deepEqual(await cellsOf(coord, '#people-found tbody tr'), [
      ['60 of 100: same name', caseSays, 'Open person record 1 of 1'],
    ]);
    await expectText(coord, '#people-found caption', 'Person records with this name, mentioned most recently first');
    assert.equal(await coord.$('#more-people'), null);
    await checkAxe(coord, 'people found by a name alone');
    // Twenty-one people of one name: a full page says there may be more.
    const MANY = 'Morgan Manyjourney';
    for (let i = 0; i < 21; i++) {
      await apiOk(lead, 'Referrals/SubmitReferral', {
        requestId: randomUUID(),
        referral: jobReferral({ fullName: MANY, dateOfBirth: { year: 1950 + i, month: 1, day: 1 } },
          `${i + 1} Many Close`, 'IP33 4SS'),
      });
    }
    await setField(coord, 'full_name', MANY);
    await coord.click('#search-people');
    await expectText(coord, '#people-results h2', '20 records found');
    await expectText(coord, '#more-people', 'These are the 20 records of people with this name mentioned most ' +
                                            'recently; there may be more. Add a date of birth to narrow the search.');
    await checkAxe(coord, 'a full page of people found by a name alone');
    await setField(coord, 'full_name', 'Quentin Nobodyhere');
    await coord.click('#search-people');
    await expectText(coord, '#people-results h2', 'No records found');
    await expectText(coord, '#people-results p', 'No person record has this name. A name alone finds only the same ' +
                                                 'name: add a date of birth (a year will do) to find nicknames and ' +
                                                 'other spellings too.');
    await setField(coord, 'full_name', 'William Searchable');
    await setBorn({ day: '14', month: '5', year: '1979' });
    await coord.click('#search-people');
    await expectText(coord, '#people-results h2', '2 records found');
    await expectText(coord, '#people-found caption', 'Person records, most alike first');

    // The job's record, by keyboard: the coordinator may read none of its
    // referrals, so no name, date or identifier; where it is, by envelope.
    await tabUntil(coord, `#people-found a[href="#/people/${jobRecord.slice('people/'.length)}"]`, 10);
    await pressKey(coord, 'Enter');
    await expectText(coord, 'main h1', 'Person record');
    await expectText(coord, '#person-facts', 'None of the referrals you may read names this person, so no names, dates of birth or identifiers are shown.');
    assert.deepEqual(await cellsOf(coord, '#person-mentions tbody tr'), [
      ['Target hardening', 'The victim', 'west-suffolk-council', dayOf(job.createTime), 'Referred', 'You cannot open this referral'],
    ]);
    assert.deepEqual(await candidatesOf(coord), [[
      caseRecord, 'Possible match 1',
      'Match: 100 of 100: nickname, same date of birth, same NHS number or PNC id',
      `Known to: ${caseSays}`,
      'Person record: Open person record (possible match 1)',
      'Same person (possible match 1)', 'Not the same person (possible match 1)',
    ]]);
    await holdsNone(coord, ['Searchable', 'Billy', NHS, PNC, idOf(job.name), job.reference, '3 Searched Close']);
    await checkAxe(coord, 'a person record the caller may read nothing of');

    // The case's record, from the candidate: what the case says, and not
    // what the job does (its nickname, alias and PNC id).
    await clickAndWait(coord, `[data-candidate="${caseRecord}"] a[href="#/people/${caseRecord.slice('people/'.length)}"]`);
    await expectText(coord, '#person-facts', 'William Searchable');
    assert.deepEqual(await factsOf(coord), [
      ['Full names', 'William Searchable'], ['Dates of birth', '14 May 1979'], ['NHS number', NHS],
    ]);
    assert.deepEqual(await cellsOf(coord, '#person-mentions tbody tr'), [
      ['MARAC', 'The victim', 'probation-service', dayOf(kase.createTime), 'Submitted', 'Open the referral (MARAC, from probation-service)'],
    ]);
    assert.equal(await coord.$eval('#person-mentions tbody a', (a) => a.getAttribute('href')), `#/referrals/${idOf(kase.name)}`);
    assert.deepEqual((await candidatesOf(coord)).map((c) => c.slice(0, 4)), [[
      jobRecord, 'Possible match 1',
      'Match: 100 of 100: nickname, same date of birth, same NHS number or PNC id', `Known to: ${jobSays}`,
    ]]);
    await holdsNone(coord, ['Bill Searchable', 'Billy', PNC, idOf(job.name), job.reference]);
    await checkAxe(coord, 'a person record');
    await screenshot(coord, 'person-record');

    // Back to the search: the results are still there (held in the page
    // only), and nothing about anyone is kept in the browser.
    await coord.goBack();
    await expectText(coord, '#person-facts', 'None of the referrals you may read names this person');
    await coord.goBack();
    await expectText(coord, 'main h1', 'Find a person');
    await expectText(coord, '#people-results h2', '2 records found');
    const kept = await coord.evaluate(async () => ({
      local: localStorage.length, session: sessionStorage.length, cookies: document.cookie,
      databases: (await indexedDB.databases()).length,
    }));
    assert.deepEqual(kept, { local: 0, session: 0, cookies: '', databases: 0 });
    for (const p of [ref, lead, coord]) expectNoFaults(p);
    for (const p of [ref, lead, coord]) await p.close();
  });

  test('people merge: the MARAC coordinator says a possible match is the same person, undoes the merge by keyboard, then says it is not; the auditor sees the search\'s reason and the records',
    { timeout: 180000 }, async () => {
    const ref = await browsers.page('referrer');
    const lead = await browsers.page('lead');
    const coord = await browsers.page('coordinator');
    const auditor = await browsers.page('auditor');
    await open(ref, '/', 'Your safeguard');
    await open(lead, '/', 'Your safeguard');
    const info = await apiOk(ref, 'ServerInfo/GetServerInfo', {});
    const set = info.dashQuestionSets[0];
    // No one else in these journeys has these names, nor this date of birth.
    const BORN = { year: 1981, month: 2, day: 9 };
    const REASON = 'Checking the MARAC victim against target-hardening jobs before the meeting.';
    const kase = await apiOk(ref, 'Referrals/SubmitReferral', {
      requestId: randomUUID(),
      referral: maracReferral(set, { fullName: 'Margaret Mergeable', dateOfBirth: BORN },
        { fullName: 'Perpetrator Merged' }),
    });
    const job = await apiOk(lead, 'Referrals/SubmitReferral', {
      requestId: randomUUID(),
      referral: jobReferral({ fullName: 'Peggy Mergeable', dateOfBirth: BORN }, '5 Merged Mews', 'IP33 5MM'),
    });
    const zone = info.timeZone || 'Europe/London';
    const dayOf = (iso) => new Intl.DateTimeFormat('en-GB', {
      timeZone: zone, day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(iso));
    const whenOf = (iso) => `${dayOf(iso)}, ${new Intl.DateTimeFormat('en-GB', {
      timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso))}`;
    const caseRow = ['MARAC', 'The victim', 'probation-service', dayOf(kase.createTime), 'Submitted',
      'Open the referral (MARAC, from probation-service)'];
    const jobRow = ['Target hardening', 'The victim', 'west-suffolk-council', dayOf(job.createTime), 'Referred',
      'You cannot open this referral'];
    const cellsOf = (page, rows) => page.$$eval(rows, (trs) => trs.map((tr) =>
      [...tr.children].map((c) => c.innerText.replace(/\s+/g, ' ').trim())));
    const candidates = (page) => page.$$eval('#person-candidates [data-candidate]', (cs) => cs.map((c) => c.dataset.candidate));
    const facts = (page) => page.$$eval('#person-facts .govuk-summary-list__row', (rs) => rs.map((r) =>
      [r.querySelector('dt').innerText.trim(), r.querySelector('dd').innerText.replace(/\s+/g, ' ').trim()]));
    const FACTS = [['Full names', 'Margaret Mergeable'], ['Dates of birth', '9 February 1981']];
    const NOT_PROPOSED = 'No other record is proposed as this person.';

    // The search finds both records; the case's is opened.
    await open(coord, '/people', 'Find a person');
    await setField(coord, 'full_name', 'Margaret Mergeable');
    await setField(coord, 'date_of_birth.day', '9');
    await setField(coord, 'date_of_birth.month', '2');
    await setField(coord, 'date_of_birth.year', '1981');
    await setField(coord, 'reason', REASON);
    await coord.click('#search-people');
    await expectText(coord, '#people-results h2', '2 records found');
    const [a, b] = await coord.$$eval('#people-found tbody tr', (trs) => trs.map((tr) => tr.dataset.person));
    const [aId, bId] = [a, b].map((n) => n.slice('people/'.length));
    await clickAndWait(coord, `#people-found a[href="#/people/${aId}"]`);
    await expectText(coord, 'main h1', 'Person record');
    await waitFor(coord, `[data-candidate="${b}"]`);
    assert.deepEqual(await candidates(coord), [b]);
    assert.deepEqual(await cellsOf(coord, '#person-mentions tbody tr'), [caseRow]);
    assert.equal(await coord.$('#person-merged'), null);

    // Meanwhile the record changes (merged and unmerged through the API):
    // the version this page read is stale, said, and the page reloaded.
    const read = await apiOk(coord, 'People/GetPerson', { name: a });
    await apiOk(coord, 'People/MergePeople', { name: a, version: read.version, other: b });
    await apiOk(coord, 'People/UnmergePerson', { name: b });
    await clickAndWait(coord, `[data-candidate="${b}"] button[data-decide="same"]`);
    await expectText(coord, '.govuk-error-summary', 'This person record was changed by someone else: reload it and try again.');
    assert.equal(await coord.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary')), true);
    await checkAxe(coord, 'a person record changed by someone else');
    clearProblems(coord);  // the conflict (HTTP 409) was the point
    await coord.click('#reload-person');
    await coord.waitForFunction(() => !document.querySelector('.govuk-error-summary'));
    assert.deepEqual(await candidates(coord), [b]);

    // Same person: the job's record is merged into the case's.
    await clickAndWait(coord, `[data-candidate="${b}"] button[data-decide="same"]`);
    await expectText(coord, '.govuk-notification-banner', 'Confirmed as the same person: that record\'s referrals are now in this one.');
    assert.equal(await coord.evaluate(() => document.activeElement?.classList.contains('govuk-notification-banner')), true);
    const merged = await apiOk(coord, 'People/GetPerson', { name: a });
    assert.deepEqual(merged.merged.map((m) => [m.person, m.mergedBy]), [[b, 'suffolk-county-council/person/marac-coordinator']]);
    assert.deepEqual(await cellsOf(coord, '#person-mentions tbody tr'), [jobRow, caseRow]);
    assert.deepEqual(await facts(coord), FACTS);   // nothing of the job's: not "Peggy"
    assert.deepEqual(await cellsOf(coord, '#person-merged tbody tr'), [
      [bId, whenOf(merged.merged[0].mergeTime), 'suffolk-county-council/person/marac-coordinator', `Undo merge of record ${bId}`],
    ]);
    assert.deepEqual(await candidates(coord), []);
    await expectText(coord, '#person-candidates', NOT_PROPOSED);
    assert.ok(!(await coord.$eval('main', (m) => m.innerText)).includes('Peggy'));
    await checkAxe(coord, 'a person record with a record merged into it');

    // The job's record says where it went.
    await open(coord, `/people/${bId}`, 'Person record');
    await expectText(coord, '#merged-into', 'This record was merged into another person record, which holds the referrals it named.');
    assert.equal(await coord.$eval('#merged-into a', (l) => `${l.innerText.trim()} ${l.getAttribute('href')}`),
      `Open the record it was merged into #/people/${aId}`);
    await waitFor(coord, '#undo-merged-into');
    await expectText(coord, '#person-mentions', 'No referral: they are in the record this one was merged into.');
    await checkAxe(coord, 'a person record merged into another');

    // The merge undone from the case's record, by keyboard.
    await open(coord, `/people/${aId}`, 'Person record');
    await coord.waitForFunction(() => document.activeElement?.tagName === 'H1');
    await tabUntil(coord, `button[data-unmerge="${b}"]`, 40);
    await pressKey(coord, 'Enter');
    await expectText(coord, '.govuk-notification-banner', 'Merge undone: that record holds its own referrals again.');
    assert.equal(await coord.evaluate(() => document.activeElement?.classList.contains('govuk-notification-banner')), true);
    assert.equal(await coord.$('#person-merged'), null);
    assert.deepEqual(await cellsOf(coord, '#person-mentions tbody tr'), [caseRow]);
    assert.deepEqual(await candidates(coord), [b]);
    await checkAxe(coord, 'a person record after a merge was undone');

    // Not the same person: the candidate is gone, and stays gone.
    await clickAndWait(coord, `[data-candidate="${b}"] button[data-decide="not-same"]`);
    await expectText(coord, '.govuk-notification-banner', 'Recorded as not the same person: that record is no longer proposed.');
    assert.deepEqual(await candidates(coord), []);
    await expectText(coord, '#person-candidates', NOT_PROPOSED);
    assert.deepEqual(await coord.$$eval('#person-rejected li a', (ls) => ls.map((l) => l.getAttribute('href'))), [`#/people/${bId}`]);
    assert.deepEqual((await apiOk(coord, 'People/GetPerson', { name: a })).rejected, [b]);
    assert.deepEqual(await facts(coord), FACTS);
    await checkAxe(coord, 'a person record after a match was rejected');
    await open(coord, `/people/${aId}`, 'Person record');
    await expectText(coord, '#person-candidates', NOT_PROPOSED);
    // Nor does the case list the job as where its victim may be known.
    await open(coord, `/referrals/${idOf(kase.name)}`, `${kase.reference}: MARAC`);
    assert.equal((await apiOk(coord, 'Referrals/GetReferral', { name: kase.name })).alsoKnownTo, undefined);
    assert.equal(await coord.$('#also-known-to'), null);

    // The auditor: the search with its reason and the records it returned.
    await open(auditor, '/audit', 'Audit log');
    await waitFor(auditor, '#audit-entries, #audit-empty');  // the first page, unfiltered
    await setField(auditor, 'filter.caller', 'suffolk-county-council/person/marac-coordinator');
    await setField(auditor, 'filter.method', 'safeguard.v1.People/SearchPeople');
    await auditor.click('#audit-search');
    await auditor.waitForFunction((r) => [...document.querySelectorAll('#audit-entries [data-audit="reason"]')]
      .some((e) => e.innerText.includes(r)), {}, REASON);
    const searches = await auditor.$$eval('#audit-entries tbody tr', (trs) => trs.map((tr) => ({
      method: tr.children[3].innerText.trim(), outcome: tr.children[5].innerText.trim(),
      reason: tr.querySelector('[data-audit="reason"]')?.innerText.trim() ?? null,
      people: tr.querySelector('[data-audit="people"]')?.innerText.trim() ?? null,
    })));
    assert.deepEqual(searches.filter((e) => e.reason === `Reason: ${REASON}`), [{
      method: 'People/SearchPeople', outcome: 'OK', reason: `Reason: ${REASON}`, people: `Person records: ${aId}, ${bId}`,
    }]);
    await checkAxe(auditor, 'the audit log: person searches');
    // The merge, with the two records.
    await setField(auditor, 'filter.method', 'safeguard.v1.People/MergePeople');
    await auditor.click('#audit-search');
    await auditor.waitForFunction((p) => [...document.querySelectorAll('#audit-entries [data-audit="people"]')]
      .some((e) => e.innerText.includes(p)), {}, bId);
    const mergeEntries = await auditor.$$eval('#audit-entries tbody tr', (trs) => trs.map((tr) =>
      tr.querySelector('[data-audit="people"]')?.innerText.trim() ?? ''));
    assert.ok(mergeEntries.some((t) => t.includes(aId) && t.includes(bId)), mergeEntries.join('\n'));
    for (const p of [ref, lead, coord, auditor]) expectNoFaults(p);
    for (const p of [ref, lead, coord, auditor]) await p.close();
  });

  test('reports: the analyst, by keyboard alone, runs the annual report (small numbers suppressed, charts with their tables), downloads it as CSV, and asks for every figure (without a reason first, refused beside the field); an agency lead may run reports but not ask for every figure',
    { timeout: 240000 }, async () => {
    const ref = await browsers.page('referrer');
    const analyst = await browsers.page('analyst');
    const lead = await browsers.page('lead');
    await open(ref, '/', 'Your safeguard');
    const info = await apiOk(ref, 'ServerInfo/GetServerInfo', {});
    const set = info.dashQuestionSets[0];
    // Two MARAC cases in mid-suffolk, where no other journey refers anyone:
    // this month's MARAC count there is 2, fewer than the threshold of 5.
    for (const name of ['One', 'Two']) {
      await apiOk(ref, 'Referrals/SubmitReferral', {
        requestId: randomUUID(),
        referral: { ...maracReferral(set, { fullName: `Counted Victim ${name}` }, { fullName: `Counted Perpetrator ${name}` }),
                    area: 'mid-suffolk' },
      });
    }
    // This quarter in the partnership's zone, as the form offers it.
    const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
      'November', 'December'];
    const now = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: info.timeZone || 'Europe/London',
      year: 'numeric', month: 'numeric' }).formatToParts(new Date()).filter((p) => p.type !== 'literal')
      .map((p) => [p.type, Number(p.value)]));
    const first = now.month - ((now.month - 1) % 3);
    const lastDay = new Date(Date.UTC(now.year, first + 2, 0)).getUTCDate();
    const PERIOD = `1 ${MONTHS[first - 1]} ${now.year} to ${lastDay} ${MONTHS[first + 1]} ${now.year}`;
    const month = (m) => `${now.year}-${String(m).padStart(2, '0')}`;
    const QUARTER = [first, first + 1, first + 2].map(month);
    const START = { year: now.year, month: first, day: 1 };
    const END = { year: now.year, month: first + 2, day: lastDay };
    const FILE = `safeguard-full-${QUARTER[0]}-01-to-${QUARTER[2]}-${lastDay}-mid-suffolk.csv`;
    // A count row of the month table: NRM, Channel, MARAC, target hardening, total.
    const monthRows = (marac) => [...QUARTER.map((m) => (m === month(now.month)
      ? [m, '0', '0', marac, '0', marac] : [m, '0', '0', '0', '0', '0'])), ['Total', '0', '0', marac, '0', marac]];
    const cellsOf = (page, rows) => page.$$eval(rows, (trs) => trs.map((tr) =>
      [...tr.children].map((c) => c.innerText.replace(/\s+/g, ' ').trim())));
    const SUPPRESSION = 'A count from 1 to 4 is shown as "fewer than 5", and a count from which one of those could ' +
      'be worked out (with a total and the rest of its row or column) as "suppressed". A rate, median or percentile ' +
      'from fewer than 5 cases is shown as "too few cases".';

    // A referrer is offered no Reports.
    assert.equal(await ref.$('a.moj-sub-navigation__link[href="#/reports"]'), null);

    // The analyst: Reports from the navigation, and the form, by keyboard.
    await open(analyst, '/', 'Your safeguard');
    await analyst.waitForFunction(() => document.activeElement?.tagName === 'H1');
    await tabUntil(analyst, 'a.moj-sub-navigation__link[href="#/reports"]', 20, { shift: true });
    await pressKey(analyst, 'Enter');
    await expectText(analyst, 'main h1', 'Reports');
    await analyst.waitForFunction(() => document.activeElement?.tagName === 'H1');
    const { definitions } = await apiOk(analyst, 'Reports/ListReportDefinitions', {});
    assert.equal(definitions[0].name, 'reports/full');
    assert.deepEqual(await analyst.$$eval('main form [data-field-group]', (gs) => gs.map((g) => [g.dataset.fieldGroup,
      g.querySelector('.govuk-fieldset__legend, .govuk-label').innerText.trim(), g.checkVisibility()])), [
      ['report', 'Report', true], ['period', 'Period', true], ['start_date', 'From', false],
      ['end_date', 'To (included)', false], ['area', 'Area', true], ['every_figure', 'Small numbers', true],
      ['reason', 'Why do you need every figure?', false],
    ]);
    assert.deepEqual(await analyst.$$eval('[data-field-group="report"] .govuk-radios__label', (ls) => ls.map((l) => l.innerText.trim())),
      definitions.map((d) => d.title));
    const periods = await analyst.$$eval('[data-field-group="period"] .govuk-radios__label', (ls) => ls.map((l) => l.innerText.trim()));
    assert.equal(periods[0], `This quarter: ${PERIOD}`);
    assert.deepEqual(periods.map((p) => p.replace(/:.*/, '')),
      ['This quarter', 'Last quarter', 'This financial year', 'Last financial year', 'Other dates']);
    await checkAxe(analyst, 'reports: the form');
    // "Other dates" shows the two dates; this quarter hides them again.
    await tabUntil(analyst, '#f-report', 5);
    await pressKey(analyst, 'Space');
    await tabUntil(analyst, '#f-period', 3);
    await pressKey(analyst, 'ArrowUp');  // round to the last: "Other dates"
    assert.equal(await analyst.$eval('#f-start-date', (e) => e.checkVisibility()), true);
    await checkAxe(analyst, 'reports: the form, other dates');
    await pressKey(analyst, 'ArrowDown');  // round to the first: this quarter
    assert.equal(await analyst.$eval('#f-start-date', (e) => e.checkVisibility()), false);
    await tabUntil(analyst, '#f-area', 3);
    for (let i = 0; i <= info.areas.indexOf('mid-suffolk'); i++) await pressKey(analyst, 'ArrowDown');
    assert.equal(await analyst.$eval('#f-area', (s) => s.value), 'mid-suffolk');
    await tabUntil(analyst, '#run-report', 3);
    await pressKey(analyst, 'Enter');
    await expectText(analyst, '#report-results h2', 'Annual report');
    assert.equal(await analyst.evaluate(() => document.activeElement?.id), 'report-title');

    // The report: what it is, how small numbers are treated, and every
    // table as the API gives it, a chart beside those that have one.
    const about = await cellsOf(analyst, '#report-results .govuk-summary-list__row');
    assert.match(about[2][1], /^\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2}$/);
    assert.deepEqual(about, [
      ['Period', PERIOD], ['Area', 'mid-suffolk'], ['Made', about[2][1]], ['Small numbers', 'Suppressed below 5'],
    ]);
    await expectText(analyst, '#suppression', SUPPRESSION);
    assert.deepEqual(await cellsOf(analyst, '#table-received_by_month tbody tr'), monthRows('fewer than 5'));
    assert.deepEqual(await analyst.$$eval('#table-received_by_month tbody td[data-status="FEWER_THAN_THRESHOLD"]',
      (tds) => tds.length), 4);
    const report = await apiOk(analyst, 'Reports/RunReport', { report: 'reports/full', startDate: START, endDate: END,
      area: 'mid-suffolk' });
    const onPage = await analyst.$$eval('#report-results section.app-report-table', (ss) => ss.map((s) => ({
      id: s.id.replace(/^table-/, ''), title: s.querySelector('h3').innerText.trim(),
      chart: s.querySelector('.app-chart')?.dataset.chart ?? '',
      rows: [...s.querySelectorAll('table tr')].map((tr) => [...tr.children].map((c) => c.innerText.trim())),
    })));
    assert.deepEqual(onPage, report.tables.map((t) => ({
      id: t.id, title: t.title, chart: t.chart ?? '',
      rows: [[t.rowHeader, ...t.columns.map((c) => c.label)], ...t.rows.map((r) => [r.label, ...r.cells.map((c) => c.display)])],
    })));
    const charts = await analyst.$$eval('#report-results canvas', (cs) => cs.map((c) => {
      const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
      return { id: c.id, role: c.getAttribute('role'), label: c.getAttribute('aria-label'), painted: painted > 0,
               next: c.parentElement.nextElementSibling?.tagName };
    }));
    assert.deepEqual(charts.map((c) => c.id), report.tables.filter((t) => t.chart).map((t) => `chart-${t.id}`));
    for (const c of charts) assert.deepEqual([c.role, c.painted, c.next], ['img', true, 'TABLE'], c.id);
    assert.equal(charts[0].label, 'Line chart of referrals received by month: NRM, Channel, MARAC and Target hardening ' +
      `by month, from ${QUARTER[0]} to ${QUARTER[2]}. 1 figure is not drawn: suppressed or not available. ` +
      'The table gives every figure.');
    await checkAxe(analyst, 'reports: the annual report');

    // The CSV and the JSON, downloaded by keyboard: the CSV says what the
    // report is, then has its first table as on the page; the JSON is the
    // report as the API gives it.
    const downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'safeguard-downloads-'));
    const cdp = await analyst.browser().target().createCDPSession();
    try {
      await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads, eventsEnabled: true });
      const names = new Map();
      cdp.on('Browser.downloadWillBegin', (e) => names.set(e.guid, e.suggestedFilename));
      // The contents of the next file downloaded, by its name.
      const nextDownload = () => new Promise((resolve, reject) => {
        const progress = (e) => {
          if (e.state === 'inProgress') return;
          cdp.off('Browser.downloadProgress', progress);
          if (e.state !== 'completed') reject(new Error(`the download ended ${e.state}`));
          const name = names.get(e.guid);
          resolve({ name, text: fs.readFileSync(path.join(downloads, name), 'utf8') });
        };
        cdp.on('Browser.downloadProgress', progress);
      });
      let download = nextDownload();
      await tabUntil(analyst, '#download-csv', 5);
      await pressKey(analyst, 'Enter');
      const { name: csvName, text: csvText } = await download;
      assert.equal(csvName, FILE);
      const csv = csvText.split('\r\n');
      assert.match(csv[3], /^Made,"\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2}"$/);
      assert.deepEqual([...csv.slice(0, 3), ...csv.slice(4, 13)], [
        'Report,Annual report',
        `Period,${PERIOD}`,
        'Area,mid-suffolk',
        `Small numbers,"${SUPPRESSION.replace(/"/g, '""')}"`,
        '',
        'Referrals received by month',
        'Month,NRM,Channel,MARAC,Target hardening,Total',
        ...monthRows('fewer than 5').map((r) => r.join(',')),
        '',
      ]);
      download = nextDownload();
      await tabUntil(analyst, '#download-json', 1);
      await pressKey(analyst, 'Enter');
      const { name: jsonName, text: jsonText } = await download;
      assert.equal(jsonName, FILE.replace(/\.csv$/, '.json'));
      const { createTime, ...downloaded } = JSON.parse(jsonText);
      assert.match(createTime, /^\d{4}-\d\d-\d\dT/);
      const { createTime: made, ...asApi } = report;
      assert.match(made, /^\d{4}-\d\d-\d\dT/);
      assert.deepEqual(downloaded, asApi);
    } finally {
      await cdp.detach();
      fs.rmSync(downloads, { recursive: true, force: true });
    }

    // Every figure, without a reason: the server's message stands beside
    // the field.
    await tabUntil(analyst, '#f-every-figure', 5, { shift: true });
    await pressKey(analyst, 'Space');
    assert.equal(await analyst.$eval('#f-reason', (e) => e.checkVisibility()), true);
    await tabUntil(analyst, '#run-report', 3);
    await pressKey(analyst, 'Enter');
    await waitFor(analyst, '.govuk-error-summary');
    const NO_REASON = 'Why do you need every figure?: is required: say why you are asking for every figure, in at least 10 characters';
    assert.deepEqual(await analyst.$$eval('.govuk-error-summary__list li', (lis) => lis.map((li) => li.innerText.trim())),
      [NO_REASON]);
    assert.deepEqual(await analyst.$$eval('.govuk-form-group--error', (gs) => gs.map((g) => [
      g.dataset.fieldGroup, g.querySelector('.govuk-error-message')?.innerText.replace(/\s+/g, ' ').trim()])),
    [['reason', `Error: ${NO_REASON}`]]);
    assert.equal(await analyst.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary')), true);
    assert.equal(await analyst.$('#report-results h2'), null);
    await checkAxe(analyst, 'reports: every figure without a reason');
    clearProblems(analyst);  // the refusal (HTTP 400) was the point
    // The error's link to the field; the reason typed; run.
    await pressKey(analyst, 'Tab');
    await pressKey(analyst, 'Enter');
    assert.equal(await analyst.evaluate(() => document.activeElement?.id), 'f-reason');
    await analyst.keyboard.type('Checking the MARAC return for mid-suffolk before the partnership board.');
    await tabUntil(analyst, '#run-report', 3);
    await pressKey(analyst, 'Enter');
    await expectText(analyst, '#report-results h2', 'Annual report: every figure');
    await expectText(analyst, '#unsuppressed', 'Unsuppressed: every figure is shown, small numbers included. ' +
      'Not for publication');
    assert.equal(await analyst.$('.govuk-error-summary'), null);
    assert.equal(await analyst.$('#suppression'), null);
    assert.deepEqual((await cellsOf(analyst, '#report-results .govuk-summary-list__row'))[3], ['Small numbers', 'Not suppressed']);
    assert.deepEqual(await cellsOf(analyst, '#table-received_by_month tbody tr'), monthRows('2'));
    await checkAxe(analyst, 'reports: every figure');
    const kept = await analyst.evaluate(async () => ({
      local: localStorage.length, session: sessionStorage.length, cookies: document.cookie,
      databases: (await indexedDB.databases()).length,
    }));
    assert.deepEqual(kept, { local: 0, session: 0, cookies: '', databases: 0 });

    // An agency lead runs reports, but is not offered every figure.
    await open(lead, '/', 'Your safeguard');
    await clickAndWait(lead, 'a.moj-sub-navigation__link[href="#/reports"]');
    await expectText(lead, 'main h1', 'Reports');
    assert.equal(await lead.$('[name="every_figure"]'), null);
    assert.equal(await lead.$('[name="reason"]'), null);
    await checkAxe(lead, 'reports (agency lead)');
    // Run with nothing chosen: said beside the two fields, without asking
    // the server.
    await lead.click('#run-report');
    await waitFor(lead, '.govuk-error-summary');
    assert.deepEqual(await lead.$$eval('.govuk-form-group--error', (gs) => gs.map((g) => [
      g.dataset.fieldGroup, g.querySelector('.govuk-error-message')?.innerText.replace(/\s+/g, ' ').trim()])), [
      ['report', 'Error: Report: choose a report'], ['period', 'Error: Period: choose a period'],
    ]);
    await checkAxe(lead, 'reports (agency lead): nothing chosen');
    await setField(lead, 'report', 'reports/overview');
    await setField(lead, 'period', 'this-quarter');
    await lead.click('#run-report');
    await expectText(lead, '#report-results h2', 'Referrals, outcomes and timeliness');
    assert.equal(await lead.$('#unsuppressed'), null);
    await checkAxe(lead, 'a report (agency lead)');
    await lead.$eval('#report-title', (e) => e.scrollIntoView());
    await screenshot(lead, 'reports', { fullPage: false });
    for (const p of [ref, analyst, lead]) expectNoFaults(p);
    for (const p of [ref, analyst, lead]) await p.close();
  });

  test('a screen whose code cannot be fetched asks for a reload, which brings it', { timeout: 120000 }, async () => {
    const auditor = await browsers.page('auditor');
    await open(auditor, '/', 'Your safeguard');
    // The screens loaded later are chunks the home screen has not fetched.
    const cdp = await auditor.createCDPSession();
    await cdp.send('Fetch.enable', { patterns: [{ urlPattern: '*/assets/chunk.*', requestStage: 'Request' }] });
    cdp.on('Fetch.requestPaused', (e) => {
      cdp.send('Fetch.failRequest', { requestId: e.requestId, errorReason: 'ConnectionReset' }).catch(() => {});
    });
    await auditor.evaluate(() => { location.hash = '#/audit'; });
    await expectText(auditor, 'main h1', 'Reload the page');
    await expectText(auditor, 'main', 'This part of the console could not be loaded.');
    await checkAxe(auditor, 'a screen that could not be loaded');
    await cdp.send('Fetch.disable');
    await auditor.reload({ waitUntil: 'load' });
    await expectText(auditor, 'main h1', 'Audit log');
    expectNoProblems(auditor, { ignore: [/\/assets\/chunk\.[A-Z0-9]+\.js/] });
    await auditor.close();
  });

  test('no client certificate: the TLS handshake fails, no page', { timeout: 60000 }, async () => {
    const page = await browsers.page(NO_CERTIFICATE);
    try {
      await assert.rejects(page.goto(new URL('/', origin).toString()),
        (err) => {
          // Chromium names the failure, e.g. net::ERR_BAD_SSL_CLIENT_AUTH_CERT
          // (TLS 1.2) or net::ERR_SOCKET_NOT_CONNECTED / ERR_CONNECTION_CLOSED (TLS 1.3).
          assert.match(err.message, /net::ERR_/);
          return true;
        },
        'a browser without a client certificate loaded a page');
      const text = await page.evaluate(() => document.querySelector('main')?.innerText ?? null);
      assert.equal(text, null, 'the console showed without a client certificate');
    } finally {
      await page.close();
    }
  });
});
