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
//     its default filter: WatchReferrals and, once the watch is live, the
//     first page of ListReferrals, in the order the worklist keeps (watch,
//     live, list). The page is handed over only to the load that took that
//     watch, while the watch is open, so no change between them can be
//     missed. A caller whose policy refuses the watch is refused (and
//     audited) as for any call, and no page is sent early.
//
// Responses not taken within UNCLAIMED_MS are cancelled (a watch that is
// not taken would otherwise stay open), and nothing is sent after.
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
  after?: EarlyCall;  // handed over only with this one, while it is open
  taken: boolean;
}

function sameBytes(a: number[], b: BodyInit | null | undefined): boolean {
  if (!(b instanceof Uint8Array) || a.length !== b.length) return false;
  return a.every((byte, i) => byte === b[i]);
}

// The early requests of one page load.
export class EarlyRequests {
  private readonly calls: EarlyCall[] = [];
  private expired = false;
  private pageDecided: boolean;  // whether a first page will be sent or not
  private readonly timer: ReturnType<typeof setTimeout>;

  constructor(hash: string, unclaimedMs = UNCLAIMED_MS) {
    this.send(EARLY_REQUESTS.serverInfo);
    this.pageDecided = hash !== "#/worklist";
    if (!this.pageDecided) {
      const watch = this.send(EARLY_REQUESTS.watch);
      // The page only once the watch is live (a refused watch sends none:
      // the worklist lists for itself), and only while the watch is open.
      const decide = (live: boolean) => {
        this.pageDecided = true;
        if (live && !this.expired && !watch.abort.signal.aborted) {
          this.send(EARLY_REQUESTS.firstPage, watch);
        }
        this.settle();
      };
      watch.response.then((r) => decide(r.headers.get("Safeguard-Watch") === "live"),
                          () => decide(false));
    }
    this.timer = setTimeout(() => this.expire(), unclaimedMs);
  }

  // Cancels what was not taken; nothing is sent or handed over after.
  expire(): void {
    clearTimeout(this.timer);
    this.expired = true;
    for (const call of this.calls) if (!call.taken) call.abort.abort();
  }

  // The early response to this request, once, if one was sent and is
  // still open; a page only with its watch, taken and still open.
  take(url: string, init?: RequestInit): Promise<Response> | undefined {
    const path = new URL(url, location.href).pathname;
    const open = (c: EarlyCall) => !c.abort.signal.aborted;
    const call = this.calls.find((c) => !c.taken && open(c) && c.request.path === path &&
                                        sameBytes(c.request.body, init?.body) &&
                                        (!c.after || (c.after.taken && open(c.after))));
    if (!call) return undefined;
    call.taken = true;
    // The client's cancellation (the user moved on) ends it too.
    init?.signal?.addEventListener("abort", () => call.abort.abort(), { once: true });
    this.settle();
    return call.response;
  }

  // Everything sent is taken and nothing more will be: no timer needed.
  private settle(): void {
    if (this.pageDecided && this.calls.every((c) => c.taken)) clearTimeout(this.timer);
  }

  private send(request: EarlyRequest, after?: EarlyCall): EarlyCall {
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
    this.calls.push(call);
    return call;
  }
}

const early = new EarlyRequests(location.hash);

export function takeEarlyResponse(url: string, init?: RequestInit): Promise<Response> | undefined {
  return early.take(url, init);
}
