// File: tests/fuzz/memory_referral_store.h
//
// MemoryReferralStore: a ReferralStore in memory, so that the request
// fuzzer runs ReferralService exactly as the server does up to the store.
// Keeps no audit records (each is marked committed) and lists nothing.
// Not thread-safe: one fuzz input at a time.
#ifndef SAFEGUARD_TESTS_FUZZ_MEMORY_REFERRAL_STORE_H_
#define SAFEGUARD_TESTS_FUZZ_MEMORY_REFERRAL_STORE_H_

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/core/referral_store.h"

namespace safeguard::fuzz {

class MemoryReferralStore final : public ReferralStore {
 public:
  // Replaces the stored referral as it is, with no checks.
  void Put(const Referral& referral) { referrals_[referral.id] = referral; }

  // ReferralStore
  absl::StatusOr<CreateResult> Create(
      Referral referral, const std::string& reference_prefix,
      const std::string& idempotency_key, const std::string& fingerprint,
      const std::optional<std::string>& repeat_key,
      const CompleteNewReferral& complete, AuditRecord& audit) override {
    auto used = submissions_.find(idempotency_key);
    if (used != submissions_.end()) {
      if (used->second.first != fingerprint) {
        return absl::AlreadyExistsError("request id used for another body");
      }
      return CreateResult{referrals_.at(used->second.second), false};
    }
    if (complete) {
      std::optional<absl::Time> last;
      if (repeat_key.has_value() && marac_pairs_.count(*repeat_key) > 0) {
        last = marac_pairs_.at(*repeat_key);
      }
      complete(referral, last);
    }
    referral.reference = absl::StrFormat("%s-%06d", reference_prefix,
                                         ++sequences_[reference_prefix]);
    submissions_[idempotency_key] = {fingerprint, referral.id};
    if (repeat_key.has_value()) marac_pairs_[*repeat_key] = referral.create_time;
    referrals_[referral.id] = referral;
    audit.committed = true;
    return CreateResult{std::move(referral), true};
  }
  absl::StatusOr<Referral> Get(const std::string& id) override {
    auto it = referrals_.find(id);
    if (it == referrals_.end()) return absl::NotFoundError("no such referral");
    return it->second;
  }
  absl::Status Update(const Referral& referral, int64_t expected_version,
                      AuditRecord& audit) override {
    auto it = referrals_.find(referral.id);
    if (it == referrals_.end()) return absl::NotFoundError("no such referral");
    if (it->second.version != expected_version) {
      return absl::AbortedError("version changed");
    }
    it->second = referral;
    audit.committed = true;
    return absl::OkStatus();
  }
  absl::StatusOr<QueuePage> List(const QueueQuery& query) override {
    return QueuePage();
  }

 private:
  std::map<std::string, Referral> referrals_;
  // Idempotency key -> (fingerprint, referral id).
  std::map<std::string, std::pair<std::string, std::string>> submissions_;
  std::map<std::string, int> sequences_;
  std::map<std::string, absl::Time> marac_pairs_;
};

}  // namespace safeguard::fuzz

#endif  // SAFEGUARD_TESTS_FUZZ_MEMORY_REFERRAL_STORE_H_
