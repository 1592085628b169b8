// The requests sent before the console is evaluated: the very bytes the
// API client sends for the same calls (so a response can stand in for the
// client's own), sent in the worklist's order, and each handed over once.
import { sent } from "./browser_stub";

import assert from "node:assert/strict";
import { test } from "node:test";

import { create, toBinary } from "@bufbuild/protobuf";

import { GetServerInfoRequestSchema } from "../gen/safeguard/v1/server_info_pb";
import { ListReferralsRequestSchema, WatchReferralsRequestSchema } from "../gen/safeguard/v1/referrals_pb";
import { EARLY_REQUESTS, takeEarlyResponse } from "../src/early";
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

test("early requests: GetServerInfo and the watch at once, the page once the watch answers", async () => {
  // Importing the console sent the first two (the location is #/worklist).
  assert.deepEqual(sent.map((s) => [s.path, s.contentType]), [
    ["/safeguard.v1.ServerInfo/GetServerInfo", "application/proto"],
    ["/safeguard.v1.Referrals/WatchReferrals", "application/connect+proto"],
  ]);
  sent[1].answer(new Response("watch"));
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(sent.map((s) => s.path).slice(2), ["/safeguard.v1.Referrals/ListReferrals"]);
  sent[0].answer(new Response("info"));
  sent[2].answer(new Response("page"));
});

test("early requests: each handed over once, for the same bytes, the page only after its watch", async () => {
  const { serverInfo, watch, firstPage } = EARLY_REQUESTS;
  const init = (body: number[], signal?: AbortSignal) => ({ body: new Uint8Array(body), signal });
  const url = (path: string) => `https://console.test${path}`;
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
