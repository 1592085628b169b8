// File: tests/testing/fake_store.h
//
// FakeStore: an in-memory Store for unit tests of the domain core. It can be
// told to fail every write (set_fail_writes), to check that a failed write
// changes nothing and reaches the caller as the right error. Safe for
// concurrent use.
#ifndef SAFEGUARD_TESTS_TESTING_FAKE_STORE_H_
#define SAFEGUARD_TESTS_TESTING_FAKE_STORE_H_

#include <map>
#include <string>
#include <tuple>

#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "server/core/clock.h"
#include "server/core/id_generator.h"
#include "server/core/store.h"

namespace safeguard::testing {

class FakeStore final : public Store {
 public:
  void set_fail_writes(bool fail) {
    absl::MutexLock lock(&mu_);
    fail_writes_ = fail;
  }

  // Store
  int SchemaVersion() const override { return 1; }
  absl::Status RecordCaller(const CallerIdentity& caller,
                            absl::Time now) override {
    absl::MutexLock lock(&mu_);
    if (fail_writes_) return absl::UnavailableError("disk I/O error");
    auto [it, inserted] = callers_.try_emplace(Key(caller));
    CallerRecord& r = it->second;
    if (inserted) {
      r.identity = caller;
      r.first_seen = now;
    }
    r.last_seen = now;
    ++r.calls;
    return absl::OkStatus();
  }
  absl::StatusOr<CallerRecord> GetCaller(
      const CallerIdentity& caller) const override {
    absl::MutexLock lock(&mu_);
    auto it = callers_.find(Key(caller));
    if (it == callers_.end()) return absl::NotFoundError("no such caller");
    return it->second;
  }

 private:
  using CallerKey = std::tuple<std::string, std::string, std::string>;
  static CallerKey Key(const CallerIdentity& c) {
    return {c.agency, c.principal, c.certificate_sha256};
  }

  mutable absl::Mutex mu_;
  bool fail_writes_ ABSL_GUARDED_BY(mu_) = false;
  std::map<CallerKey, CallerRecord> callers_ ABSL_GUARDED_BY(mu_);
};

// A Clock that only moves when told to.
// Ids "id0001", "id0002", ... in the order asked for (so they sort in
// it). Not thread-safe.
class CountingIds final : public IdGenerator {
 public:
  std::string NewId(absl::Time) override {
    return absl::StrFormat("id%04d", ++next_);
  }

 private:
  int next_ = 0;
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time now) : now_(now) {}
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }
  void Set(absl::Time now) {
    absl::MutexLock lock(&mu_);
    now_ = now;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace safeguard::testing

#endif  // SAFEGUARD_TESTS_TESTING_FAKE_STORE_H_
