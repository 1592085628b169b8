// File: tests/testing/fake_access.h
//
// Fakes of the access layer's interfaces, for unit tests of the
// AccessGate and what sits on it: an Authenticator that names whoever the
// test says (or refuses), and an AuditLog that keeps entries in memory and
// can be made to fail. Thread-safe.
#ifndef SAFEGUARD_TESTS_TESTING_FAKE_ACCESS_H_
#define SAFEGUARD_TESTS_TESTING_FAKE_ACCESS_H_

#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "server/access/authenticator.h"
#include "server/core/audit_log.h"

namespace safeguard::testing {

// Names the caller "<agency>/<system|person>/<name>" written in the call's
// peer_certificate_pem (a test's stand-in for a certificate); an empty one
// is UNAUTHENTICATED, as a real missing certificate is.
class FakeAuthenticator final : public Authenticator {
 public:
  absl::StatusOr<CallerIdentity> Authenticate(
      const InboundCall& call) const override {
    const std::string& who = call.peer_certificate_pem;
    const size_t slash = who.find('/');
    if (who.empty() || slash == std::string::npos) {
      return absl::UnauthenticatedError("no verified client certificate");
    }
    return CallerIdentity{who.substr(0, slash), who.substr(slash + 1),
                          "fake-sha256"};
  }
};

class FakeAuditLog final : public AuditLog {
 public:
  absl::Status Append(const AuditRecord& record) override {
    absl::MutexLock lock(&mu_);
    if (fail_) return absl::UnavailableError("the disk is full");
    entries_.push_back(record);
    return absl::OkStatus();
  }
  void Fail(bool fail) {
    absl::MutexLock lock(&mu_);
    fail_ = fail;
  }
  std::vector<AuditRecord> entries() const {
    absl::MutexLock lock(&mu_);
    return entries_;
  }

 private:
  mutable absl::Mutex mu_;
  bool fail_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<AuditRecord> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace safeguard::testing

#endif  // SAFEGUARD_TESTS_TESTING_FAKE_ACCESS_H_
