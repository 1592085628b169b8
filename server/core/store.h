// File: server/core/store.h
//
// Store: the durable state of the service, as the domain core sees it. The
// SQLCipher implementation lives in server/storage/; an in-memory fake for
// core tests lives in tests/testing/fake_store.h.
//
// Every method that returns OK has made its change durable: it survives a
// crash of the process a moment later. A method that fails has changed
// nothing.
//
// Implementations are safe for concurrent use.
#ifndef SAFEGUARD_SERVER_CORE_STORE_H_
#define SAFEGUARD_SERVER_CORE_STORE_H_

#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/core/identity.h"

namespace safeguard {

// What the store knows of one caller that has reached the service.
struct CallerRecord {
  CallerIdentity identity;
  absl::Time first_seen;
  absl::Time last_seen;
  int64_t calls = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // The schema version of the open database.
  virtual int SchemaVersion() const = 0;

  // Records that `caller` reached the service at `now`: the first call
  // creates the record, later calls update last_seen and the count.
  virtual absl::Status RecordCaller(const CallerIdentity& caller,
                                    absl::Time now) = 0;

  // The record for the certificate with the given fingerprint, or kNotFound.
  virtual absl::StatusOr<CallerRecord> GetCaller(
      const CallerIdentity& caller) const = 0;
};

using StorePtr = std::unique_ptr<Store>;

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_STORE_H_
