// What the console's modules need of a browser when a test imports them in
// node: a location (a fresh load of the worklist) and a fetch that records
// each request and answers (or fails) only when the test says. Imported first.
export interface Sent {
  path: string;
  body: number[];
  contentType: string;
  signal?: AbortSignal;
  answer: (r: Response) => void;
  fail: (e: Error) => void;
}
export const sent: Sent[] = [];

const g = globalThis as Record<string, unknown>;
g.location = new URL("https://console.test/#/worklist");
g.window = globalThis;
g.fetch = (input: string, init: RequestInit) => new Promise<Response>((answer, fail) => {
  const s: Sent = {
    path: new URL(input, "https://console.test/").pathname,
    body: [...(init.body as Uint8Array)],
    contentType: new Headers(init.headers).get("Content-Type") ?? "",
    signal: init.signal ?? undefined,
    answer,
    fail,
  };
  init.signal?.addEventListener("abort", () => fail(new DOMException("aborted", "AbortError")));
  sent.push(s);
});
