// File: server/audit/parallel_verification.h
//
// VerifyInParallel(): feeds every entry of `reader` to `verifier`, with
// the costly part spread over two threads: each reads every other chunk of
// consecutive sequences (SQLCipher decrypts each page) and hashes its
// entries, while the calling thread checks the chain through the chunks in
// order. A gap or a change
// shows up there exactly as in a single walk, since each chunk is a run of
// entries in sequence order. Returns the first read error, unless the
// chain was found broken first.
//
// Runs on the calling thread and two more, which it joins before it
// returns. `verifier` is used by the calling thread only.
#ifndef SAFEGUARD_SERVER_AUDIT_PARALLEL_VERIFICATION_H_
#define SAFEGUARD_SERVER_AUDIT_PARALLEL_VERIFICATION_H_

#include "absl/status/status.h"
#include "server/audit/audit_format.h"
#include "server/audit/audit_reader.h"

namespace safeguard {

absl::Status VerifyInParallel(AuditReader& reader, ChainVerifier& verifier);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_AUDIT_PARALLEL_VERIFICATION_H_
