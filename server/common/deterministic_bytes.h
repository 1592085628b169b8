// File: server/common/deterministic_bytes.h
//
// DeterministicBytes: a message's deterministic serialization, the bytes
// that hashes and fingerprints cover (the audit hash chain, idempotency
// fingerprints, page-token request shapes). Map entries are written in key
// order, so equal messages give equal bytes within one build.
//
// Thread-safe; `m` is only read.
#ifndef SAFEGUARD_SERVER_COMMON_DETERMINISTIC_BYTES_H_
#define SAFEGUARD_SERVER_COMMON_DETERMINISTIC_BYTES_H_

#include <string>

#include "google/protobuf/message.h"

namespace safeguard {

std::string DeterministicBytes(const google::protobuf::Message& m);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_COMMON_DETERMINISTIC_BYTES_H_
