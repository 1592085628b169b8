// The requests sent before the console is evaluated: the very bytes the
// API client sends for the same calls (so a response can stand in for the
// client's own), sent in the worklist's order, and each handed over once.
import { type Sent, sent } from "./browser_stub";

import assert from "node:assert/strict";
import { test } from "node:test";

import { create, toBinary } from "@bufbuild/protobuf";

import { GetServerInfoRequestSchema } from "../gen/safeguard/v1/server_info_pb";
import { ListReferralsRequestSchema, WatchReferralsRequestSchema } from "../gen/safeguard/v1/referrals_pb";
import { EARLY_REQUESTS, EarlyRequests, takeEarlyResponse } from "../src/early";
import { defaultQuery, pageRequest, watchRequest } from "../src/screens/worklist";

const envelope = (message: Uint8Array) =>
  [0, ...[24, 16, 8, 0].map((shift) => (message.length >>> shift) & 0xff), ...message];

test("early requests: the bytes the client sends for the same calls", () => {
  assert.deepEqual(EARLY_REQUESTS.serverInfo.body, [...toBinary(GetServerInfoRequestSchema, create(GetServerInfoRequestSchema))]);
  assert.deepEqual(EARLY_REQUESTS.watch.body,
                   envelope(toBinary(WatchReferralsRequestSchema, create(WatchReferralsRequestSchema, watchRequest(defaultQuery())))));
  assert.deepEqual(EARLY_REQUESTS.firstPage.body,
                   [...toBinary(ListReferralsRequestSchema, create(ListReferralsRequestSchema, pageRequest(defaultQuery(), "")))]);
});

const LIVE = { headers: { "Safeguard-Watch": "live" } };
const url = (path: string) => `https://console.test${path}`;
const init = (body: number[], signal?: AbortSignal) => ({ body: new Uint8Array(body), signal });
const tick = () => new Promise((r) => setTimeout(r, 0));
const { serverInfo, watch, firstPage } = EARLY_REQUESTS;

test("early requests: GetServerInfo and the watch at once, the page once the watch is live", async () => {
  // Importing the console sent the first two (the location is #/worklist).
  assert.deepEqual(sent.map((s) => [s.path, s.contentType]), [
    ["/safeguard.v1.ServerInfo/GetServerInfo", "application/proto"],
    ["/safeguard.v1.Referrals/WatchReferrals", "application/connect+proto"],
  ]);
  sent[1].answer(new Response("watch", LIVE));
  await tick();
  assert.deepEqual(sent.map((s) => s.path).slice(2), ["/safeguard.v1.Referrals/ListReferrals"]);
  sent[0].answer(new Response("info"));
  sent[2].answer(new Response("page"));
});

test("early requests: each handed over once, for the same bytes, the page only after its watch", async () => {
  // Other bytes (another filter) are not the same request.
  assert.equal(takeEarlyResponse(url(firstPage.path), init([0x08, 50, 0x20, 0x02, 0x28, 0x01])), undefined);
  // The page waits for its watch to be taken.
  assert.equal(takeEarlyResponse(url(firstPage.path), init(firstPage.body)), undefined);
  const cancel = new AbortController();
  assert.equal(await (await takeEarlyResponse(url(watch.path), init(watch.body, cancel.signal)))!.text(), "watch");
  assert.equal(await (await takeEarlyResponse(url(firstPage.path), init(firstPage.body)))!.text(), "page");
  assert.equal(await (await takeEarlyResponse(url(serverInfo.path), init([])))!.text(), "info");
  // Once each.
  assert.equal(takeEarlyResponse(url(serverInfo.path), init([])), undefined);
  assert.equal(takeEarlyResponse(url(watch.path), init(watch.body)), undefined);
  // The client's cancellation reaches the early request.
  cancel.abort();
  assert.equal(sent[1].signal?.aborted, true);
});

// Each case starts a load of the worklist of its own.
test("early requests: no page for a watch that is refused or fails", async () => {
  for (const [name, answer] of [
    ["refused", (s: Sent) => s.answer(new Response("{}", { status: 403 }))],
    ["failed", (s: Sent) => s.fail(new TypeError("network"))],
  ] as const) {
    const from = sent.length;
    const early = new EarlyRequests("#/worklist");
    answer(sent[from + 1]);
    await tick();
    assert.deepEqual(sent.slice(from).map((s) => s.path.split("/").pop()),
                     ["GetServerInfo", "WatchReferrals"], name);
    early.expire();
  }
});

test("early requests: a page is not handed over once its watch has ended", async () => {
  const from = sent.length;
  const early = new EarlyRequests("#/worklist");
  sent[from + 1].answer(new Response("watch", LIVE));
  await tick();
  const cancel = new AbortController();
  assert.ok(early.take(url(watch.path), init(watch.body, cancel.signal)));
  cancel.abort();  // that load is replaced before it lists
  assert.equal(early.take(url(firstPage.path), init(firstPage.body)), undefined);
  early.expire();
});

test("early requests: after the unclaimed time, what was not taken is cancelled and nothing is sent", async () => {
  const from = sent.length;
  const early = new EarlyRequests("#/worklist", 1);
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(sent.slice(from).map((s) => s.signal?.aborted), [true, true]);
  sent[from + 1].answer(new Response("watch", LIVE));
  await tick();
  assert.equal(sent.length, from + 2, "no page sent after the time");
  assert.equal(early.take(url(serverInfo.path), init([])), undefined);
});

test("early requests: only GetServerInfo away from the worklist", () => {
  const from = sent.length;
  const early = new EarlyRequests("#/audit");
  assert.deepEqual(sent.slice(from).map((s) => s.path.split("/").pop()), ["GetServerInfo"]);
  early.expire();
});
