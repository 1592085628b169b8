#!/usr/bin/env node
// tests/interop/interop.mjs: calls safeguard's Connect listener (HTTPS,
// mTLS) with the Connect project's own Node.js client, once with JSON
// (application/json) and once with binary (application/proto) messages,
// as two identities of the shipped policy:
//
//   referrer  a referrer (e.g. probation-service/system/ndelius): submits
//             and reads its own referrals
//   watcher   a Channel panel role (e.g. suffolk-county-council/person/
//             channel-chair): watches Channel referrals
//
// It prints one line of JSON with what it observed (codes, field names,
// states, references with the year left out), the same on every run against
// a fresh database, and exits 1 if anything was not as expected (each
// mismatch is described on standard error), 2 on bad usage.
//
// Usage:
//   node interop.mjs --gen GEN_DIR --base-url https://127.0.0.1:PORT \
//     --ca CA.crt --referrer-cert R.crt --referrer-key R.key \
//     --watcher-cert W.crt --watcher-key W.key
// Each option may instead come from the environment: SAFEGUARD_GEN_DIR,
// SAFEGUARD_BASE_URL, SAFEGUARD_CA_FILE, SAFEGUARD_REFERRER_CERT, ... (the
// option's name in upper case, dashes as underscores, after SAFEGUARD_).
// GEN_DIR is what generate.sh made.
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";

const OPTIONS = [
  "gen", "base-url", "ca", "referrer-cert", "referrer-key", "watcher-cert",
  "watcher-key",
];
const ENV_NAMES = {
  gen: "SAFEGUARD_GEN_DIR",
  "base-url": "SAFEGUARD_BASE_URL",
  ca: "SAFEGUARD_CA_FILE",
};
const CALL_TIMEOUT_MS = 10000;

function usage(message) {
  process.stderr.write(`interop: ${message}\nusage: node interop.mjs ` +
      OPTIONS.map((o) => `--${o} VALUE`).join(" ") + "\n");
  process.exit(2);
}

function readOptions() {
  let parsed;
  try {
    parsed = parseArgs({
      options: Object.fromEntries(OPTIONS.map((o) => [o, { type: "string" }])),
    }).values;
  } catch (e) {
    usage(e.message);
  }
  const out = {};
  for (const o of OPTIONS) {
    const env = ENV_NAMES[o] ?? `SAFEGUARD_${o.toUpperCase().replace(/-/g, "_")}`;
    out[o] = parsed[o] ?? process.env[env];
    if (!out[o]) usage(`--${o} (or ${env}) is required`);
  }
  return out;
}

const opts = readOptions();

async function importGenerated(file) {
  return import(pathToFileURL(path.resolve(opts.gen, file)).href);
}
const { ServerInfo } = await importGenerated("safeguard/v1/server_info_pb.js");
const { Referrals, ReferralEvent_Type } =
    await importGenerated("safeguard/v1/referrals_pb.js");
const {
  ConsentStatus, ContactChannel, LegalBasis, ReferralKind, SecurityMeasure,
  Tenure,
} = await importGenerated("safeguard/v1/referral_pb.js");
const { BadRequestSchema } = await importGenerated("google/rpc/error_details_pb.js");

// ---- What is sent --------------------------------------------------------
// As tests/testing/referral_fixtures.cc: made-up people only.

function adult(fullName) {
  return {
    fullName,
    dateOfBirth: { year: 1988, month: 4, day: 12 },
    safeContact: {
      channels: [ContactChannel.PHONE],
      phone: "07700900123",
      times: "weekdays 10:00-12:00",
    },
  };
}

function channelSubmission(area = "west-suffolk") {
  return {
    kind: ReferralKind.CHANNEL,
    area,
    subjects: [adult("Jo Example")],
    consent: { status: ConsentStatus.GIVEN, legalBasis: LegalBasis.CONSENT },
    form: {
      case: "channel",
      value: {
        concern: "Shares extremist material in class.",
        ideologyOrGroup: "extreme right wing",
      },
    },
  };
}

// A target-hardening submission with an unknown area, no address and a
// thirteenth month, sent without a request id: five field violations.
function badSubmission() {
  const subject = adult("Chris Example");
  subject.dateOfBirth.month = 13;
  return {
    kind: ReferralKind.TARGET_HARDENING,
    area: "atlantis",
    subjects: [subject],
    consent: { status: ConsentStatus.GIVEN, legalBasis: LegalBasis.CONSENT },
    form: {
      case: "targetHardening",
      value: {
        accessInstructions: "Call first; side gate.",
        measuresRequested: [SecurityMeasure.LOCKS, SecurityMeasure.LETTERBOX_PLATE],
        fireArsonRisk: true,
        tenure: Tenure.SOCIAL_RENT,
        landlordPermission: true,
        scheme: "suffolk-target-hardening",
      },
    },
  };
}

// ---- Checking ------------------------------------------------------------

const failures = [];

function expect(mode, what, actual, wanted) {
  if (JSON.stringify(actual) !== JSON.stringify(wanted)) {
    failures.push(`${mode}: ${what}: got ${JSON.stringify(actual)}, ` +
        `want ${JSON.stringify(wanted)}`);
  }
  return actual;
}

// A call that must fail: its code's name and message, or a failure noted.
async function failure(mode, what, call) {
  try {
    await call();
  } catch (e) {
    if (e instanceof ConnectError) return e;
    throw e;
  }
  failures.push(`${mode}: ${what}: succeeded, want an error`);
  return null;
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// "CHA-2026-000001" -> "CHA-YYYY-000001": the year is the clock's.
function reference(r) {
  return r.reference.replace(/^([A-Z]+)-\d{4}-/, "$1-YYYY-");
}

function certificateSha256(certFile) {
  const cert = new X509Certificate(readFileSync(certFile));
  return cert.fingerprint256.replace(/:/g, "").toLowerCase();
}

function codeName(code) {
  return Code[code];
}

// ---- The calls -----------------------------------------------------------

function transport(useBinaryFormat, certFile, keyFile) {
  return createConnectTransport({
    baseUrl: opts["base-url"],
    httpVersion: "1.1",
    useBinaryFormat,
    nodeOptions: {
      ca: readFileSync(opts.ca),
      cert: readFileSync(certFile),
      key: readFileSync(keyFile),
    },
  });
}

async function runMode(mode, useBinaryFormat) {
  const asReferrer = transport(useBinaryFormat, opts["referrer-cert"],
                               opts["referrer-key"]);
  const asWatcher = transport(useBinaryFormat, opts["watcher-cert"],
                              opts["watcher-key"]);
  const info = createClient(ServerInfo, asReferrer);
  const referrer = createClient(Referrals, asReferrer);
  const watcher = createClient(Referrals, asWatcher);
  const call = { timeoutMs: CALL_TIMEOUT_MS };
  const seen = {};

  // Who the server says the caller is, from the certificate.
  const serverInfo = await info.getServerInfo({}, call);
  seen.server_info = {
    agency: serverInfo.caller?.agency,
    principal: serverInfo.caller?.principal,
    certificate_sha256_matches: expect(mode, "certificate_sha256",
        serverInfo.caller?.certificateSha256 ===
            certificateSha256(opts["referrer-cert"]), true),
    has_server_version: expect(mode, "server_version",
        serverInfo.serverVersion !== "", true),
  };

  // Submit, then read it back.
  const submitted = await referrer.submitReferral(
      { requestId: `interop-${mode}-1`, referral: channelSubmission() }, call);
  seen.submit = {
    kind: ReferralKind[submitted.kind],
    state: submitted.state,
    version: Number(submitted.version),
    referring_agency: submitted.referringAgency,
    referrer: submitted.referrer,
    reference: reference(submitted),
    has_name: expect(mode, "submitted name",
        /^referrals\/[A-Za-z0-9_-]+$/.test(submitted.name), true),
  };
  const got = await referrer.getReferral({ name: submitted.name }, call);
  seen.get = {
    same_name: expect(mode, "GetReferral name", got.name === submitted.name, true),
    same_reference: expect(mode, "GetReferral reference",
        got.reference === submitted.reference, true),
    state: got.state,
    // A referrer sees a Channel referral's status, not its content.
    subjects: got.subjects.length,
    form: got.form.case ?? null,
  };

  // A name that does not exist.
  const missing = await failure(mode, "GetReferral of a missing name",
      () => referrer.getReferral({ name: "referrals/does-not-exist" }, call));
  seen.get_missing = {
    code: missing && expect(mode, "missing code", codeName(missing.code), "NotFound"),
    message: missing?.rawMessage,
  };

  // Bad fields: INVALID_ARGUMENT with a google.rpc.BadRequest.
  const bad = await failure(mode, "SubmitReferral with bad fields",
      () => referrer.submitReferral({ requestId: "", referral: badSubmission() }, call));
  const violations = bad ? bad.findDetails(BadRequestSchema) : [];
  expect(mode, "BadRequest details", violations.length, 1);
  seen.bad_submit = {
    code: bad && expect(mode, "bad submission code", codeName(bad.code),
                        "InvalidArgument"),
    fields: violations.flatMap((v) => v.fieldViolations.map((f) => f.field)),
    all_described: violations.every((v) =>
        v.fieldViolations.every((f) => f.description !== "")),
  };

  // A watch: live first, then another identity's submission arrives.
  seen.watch = await watchOnce(mode, watcher, referrer);
  return seen;
}

async function watchOnce(mode, watcher, referrer) {
  const abort = new AbortController();
  let headerSeen;
  const header = new Promise((resolve) => { headerSeen = resolve; });
  const stream = watcher.watchReferrals(
      { filter: { kind: ReferralKind.CHANNEL } },
      { signal: abort.signal, onHeader: (h) => headerSeen(h.get("safeguard-watch")) });
  const events = stream[Symbol.asyncIterator]();
  const first = events.next();  // starts the call
  // The stream must not end, nor send an event, before the header says live.
  const early = first.then(
      (r) => { throw new Error(`watch: ${r.done ? "ended" : "an event came"} before its header`); });
  const result = {};
  try {
    result.safeguard_watch = expect(mode, "safeguard-watch header",
        await withTimeout(Promise.race([header, early]), CALL_TIMEOUT_MS,
                          "watch header"),
        "live");
    const submitted = await referrer.submitReferral(
        { requestId: `interop-${mode}-2`, referral: channelSubmission("babergh") },
        { timeoutMs: CALL_TIMEOUT_MS });
    const next = await withTimeout(first, CALL_TIMEOUT_MS, "watch event");
    const event = next.value;
    expect(mode, "watch stream open", next.done, false);
    result.event = event && {
      type: ReferralEvent_Type[event.type],
      same_name: expect(mode, "event name", event.referral?.name === submitted.name, true),
      reference: event.referral && reference(event.referral),
      area: event.referral?.area,
      // The watcher's own view: a Channel panel role sees the content.
      subject: event.referral?.subjects[0]?.fullName ?? null,
      form: event.referral?.form.case ?? null,
    };
  } finally {
    early.catch(() => {});
    abort.abort();
  }
  try {
    await withTimeout(events.next(), CALL_TIMEOUT_MS, "watch after abort");
    result.after_abort = "open";
  } catch (e) {
    result.after_abort = e instanceof ConnectError ? codeName(e.code) : String(e);
  }
  expect(mode, "watch after abort", result.after_abort, "Canceled");
  return result;
}

async function main() {
  const outcome = {};
  for (const [mode, binary] of [["json", false], ["binary", true]]) {
    try {
      outcome[mode] = await runMode(mode, binary);
    } catch (e) {
      const what = e instanceof ConnectError
          ? `[${codeName(e.code)}] ${e.rawMessage}${e.cause ? ` (${e.cause})` : ""}`
          : (e?.stack ?? String(e));
      process.stderr.write(`interop: ${mode}: unexpected error: ${what}\n`);
      outcome[mode] = { error: e instanceof ConnectError ? codeName(e.code) : "exception" };
      failures.push(`${mode}: stopped by an unexpected error`);
    }
  }
  for (const f of failures) process.stderr.write(`interop: ${f}\n`);
  const code = failures.length === 0 ? 0 : 1;
  process.stdout.write(JSON.stringify(outcome) + "\n", () => process.exit(code));
}

await main();
