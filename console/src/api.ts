// The console's API clients: the same Connect methods partner systems call,
// on the server that served the page (the browser presents the user's
// client certificate), and the translation of an API error into words for
// the page.
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";

import { Referrals } from "../gen/safeguard/v1/referrals_pb";
import { ServerInfo } from "../gen/safeguard/v1/server_info_pb";
import { BadRequestSchema } from "../gen/google/rpc/error_details_pb";
import { takeEarlyResponse } from "./early";

// Shared by every client; screens loaded later make their own clients on it.
export const transport = createConnectTransport({
  baseUrl: window.location.origin,
  // The browser presents the user's client certificate; no cookie or token
  // is ever used.
  useBinaryFormat: true,
  fetch: (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    return takeEarlyResponse(url, init) ?? globalThis.fetch(input, init);
  },
});

export const referrals = createClient(Referrals, transport);
export const serverInfo = createClient(ServerInfo, transport);

// An API failure as the page shows it: one sentence, and the fields the
// server named (API paths such as "referral.subjects[0].full_name").
export interface Problem {
  code: Code;
  message: string;
  fields: { field: string; description: string }[];
}

const SENTENCES: Partial<Record<Code, string>> = {
  [Code.InvalidArgument]: "Some answers need correcting.",
  [Code.NotFound]: "There is no such record, or you may not see it.",
  [Code.PermissionDenied]: "Your role does not allow this.",
  [Code.Unauthenticated]: "Your certificate was not accepted.",
  [Code.Aborted]: "This referral was changed by someone else: reload it and try again.",
  [Code.AlreadyExists]: "This submission was already sent with different details. Start a new form.",
  [Code.ResourceExhausted]: "The server is busy. Try again in a moment.",
  [Code.Unavailable]: "The server could not be reached. Check your connection and try again.",
  [Code.DeadlineExceeded]: "The server took too long to answer. Try again.",
  [Code.Canceled]: "The request was cancelled.",
};

export function problemFrom(error: unknown): Problem {
  let err = ConnectError.from(error);
  // fetch() failing (the connection dropped, the server is down) reaches
  // here as an unknown error caused by a TypeError.
  if (err.code === Code.Unknown && (error instanceof TypeError || err.cause instanceof TypeError)) {
    err = new ConnectError("network", Code.Unavailable);
  }
  const fields = err.findDetails(BadRequestSchema)
      .flatMap((b) => b.fieldViolations)
      .map((v) => ({ field: v.field, description: v.description }));
  let message = SENTENCES[err.code] ?? "Something went wrong. Try again.";
  if (err.code === Code.FailedPrecondition) {
    // The server's reason names states and actions, never caller text.
    message = `This cannot be done now: ${err.rawMessage}`;
  }
  return { code: err.code, message, fields };
}

// A new request id for a submission; a retry of the same form reuses it.
export function newRequestId(): string {
  return crypto.randomUUID();
}
