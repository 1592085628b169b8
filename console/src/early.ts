// Requests the console sends as soon as its script starts, before the rest
// of it is evaluated (the generated types take the browser tens of
// milliseconds): the first screen's answers travel meanwhile.
//
// Each is, byte for byte, the request the API client sends for that call
// (test/early.test.ts checks them against the generated encoders), so it
// passes the same access decision and audit. api.ts hands a response to
// the client when the client sends the same request, once.
//
//   - Always GetServerInfo, which every screen waits for.
//   - On a fresh load of the worklist (#/worklist), what it asks first with
//     its default filter: WatchReferrals and, once the watch has answered,
//     the first page of ListReferrals, in the order the worklist keeps
//     (watch, live, list). The page is handed over only after the watch it
//     followed, so no change between them can be missed. A caller the
//     policy refuses them is refused and audited as for any call (the
//     worklist's own list would be refused too).
//
// Responses not taken within UNCLAIMED_MS are cancelled (a watch that is
// not taken would otherwise stay open).
//
// This module imports nothing, so that it is evaluated first.

export interface EarlyRequest {
  path: string;
  contentType: string;
  body: number[];
}

export const EARLY_REQUESTS = {
  serverInfo: {
    path: "/safeguard.v1.ServerInfo/GetServerInfo",
    contentType: "application/proto",
    body: [],  // GetServerInfoRequest {}
  },
  // WatchReferralsRequest { filter {} view: REFERRAL_VIEW_BASIC } in a
  // Connect stream envelope.
  watch: {
    path: "/safeguard.v1.Referrals/WatchReferrals",
    contentType: "application/connect+proto",
    body: [0, 0, 0, 0, 4, 0x0a, 0x00, 0x10, 0x01],
  },
  // ListReferralsRequest { page_size: 50 filter {} order_by: BY_DEADLINE
  // view: REFERRAL_VIEW_BASIC }
  firstPage: {
    path: "/safeguard.v1.Referrals/ListReferrals",
    contentType: "application/proto",
    body: [0x08, 50, 0x1a, 0x00, 0x20, 0x01, 0x28, 0x01],
  },
} satisfies Record<string, EarlyRequest>;

const UNCLAIMED_MS = 10000;

interface EarlyCall {
  request: EarlyRequest;
  response: Promise<Response>;
  abort: AbortController;
  after?: EarlyCall;  // handed over only once this one has been
  taken: boolean;
}

const calls: EarlyCall[] = [];

function send(request: EarlyRequest, after?: EarlyCall): EarlyCall {
  const abort = new AbortController();
  const response = fetch(request.path, {
    method: "POST",
    headers: { "Content-Type": request.contentType, "Connect-Protocol-Version": "1" },
    body: new Uint8Array(request.body),
    signal: abort.signal,
  });
  // A failure is the API client's to see when it takes the response.
  response.catch(() => {});
  const call = { request, response, abort, after, taken: false };
  calls.push(call);
  return call;
}

const forWorklist = location.hash === "#/worklist";
const expected = forWorklist ? 3 : 1;
send(EARLY_REQUESTS.serverInfo);
if (forWorklist) {
  const watch = send(EARLY_REQUESTS.watch);
  const list = () => { send(EARLY_REQUESTS.firstPage, watch); };
  watch.response.then(list, list);
}
const unclaimed = setTimeout(() => {
  for (const call of calls) if (!call.taken) call.abort.abort();
}, UNCLAIMED_MS);

function sameBytes(a: number[], b: BodyInit | null | undefined): boolean {
  if (!(b instanceof Uint8Array) || a.length !== b.length) return false;
  return a.every((byte, i) => byte === b[i]);
}

// The early response to this request, once, if one was sent.
export function takeEarlyResponse(url: string, init?: RequestInit): Promise<Response> | undefined {
  const path = new URL(url, location.href).pathname;
  const call = calls.find((c) => !c.taken && c.request.path === path &&
                                 sameBytes(c.request.body, init?.body) &&
                                 (!c.after || c.after.taken));
  if (!call) return undefined;
  call.taken = true;
  if (calls.length === expected && calls.every((c) => c.taken)) clearTimeout(unclaimed);
  // The client's cancellation (the user moved on) ends it too.
  init?.signal?.addEventListener("abort", () => call.abort.abort(), { once: true });
  return call.response;
}
