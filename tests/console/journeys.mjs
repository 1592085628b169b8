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
//
// Run by hand: node journeys.mjs   (one journey: node --test-name-pattern=smoke journeys.mjs)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  checkAxe, expectNoProblems, screenshot, startBrowsers, visit,
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

// A browser that trusts the CA but holds no client certificate.
const NO_CERTIFICATE = 'no-certificate';

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
          await screenshot(page, `home-${role}`);
          expectNoProblems(page);
        } finally {
          await page.close();
        }
      });
    }
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
