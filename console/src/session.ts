// Who is using the console, as the server sees them: read once at start
// from GetServerInfo (identity from the client certificate, roles and
// methods from the current policy) and kept in memory only.
import type { GetServerInfoResponse } from "../gen/safeguard/v1/server_info_pb";

export interface Session {
  info: GetServerInfoResponse;
  // "<agency>/<principal>", as assignees and actors are written.
  me: string;
}

let current: Session | undefined;

export function setSession(info: GetServerInfoResponse): void {
  const caller = info.caller!;
  current = { info, me: `${caller.agency}/${caller.principal}` };
}

export function session(): Session {
  if (!current) throw new Error("no session yet");
  return current;
}

// Whether the policy lets the caller call `method` ("Service/Method").
export function may(method: string): boolean {
  return session().info.methods.includes(`safeguard.v1.${method}`);
}

export function hasRole(role: string): boolean {
  return session().info.roles.includes(role);
}
