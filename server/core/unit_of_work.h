// File: server/core/unit_of_work.h
//
// UnitOfWork: one write transaction across the service's records
// (referrals, their references, submissions and repeat keys, meetings and
// their actions), committed
// together with the audit entry of the call that made it. The domain decides
// what to change inside a body given a WriteTransaction; the store commits
// it, durably, or nothing at all.
//
// A body may run more than once (the store commits concurrent writers
// together, and runs a batch again when one of them fails): it must keep
// its results only in what it captured, overwriting them on each run, and
// must not act outside the transaction.
//
// The SQLCipher implementation is server/storage/sqlcipher_unit_of_work.h;
// an in-memory one for tests is tests/testing/memory_referral_store.h.
// Implementations are safe for concurrent use; a WriteTransaction is used
// by one body on one thread, and only while it runs.
#ifndef SAFEGUARD_SERVER_CORE_UNIT_OF_WORK_H_
#define SAFEGUARD_SERVER_CORE_UNIT_OF_WORK_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/core/audit_log.h"
#include "server/core/meeting.h"
#include "server/core/person_index.h"
#include "server/core/person_record.h"
#include "server/core/referral.h"

namespace safeguard {

// A submission remembered under its idempotency key.
struct SubmissionRecord {
  std::string fingerprint;  // of the submitted body
  std::string referral_id;  // the referral it created
};

class WriteTransaction {
 public:
  virtual ~WriteTransaction() = default;

  // The referral as this transaction sees it; kNotFound if there is none.
  virtual absl::StatusOr<Referral> GetReferral(const std::string& id) = 0;
  // Stores a new referral (kAlreadyExists if its id or reference is taken).
  virtual absl::Status InsertReferral(const Referral& referral) = 0;
  // Replaces the stored referral if its version is still `expected_version`
  // (kAborted otherwise, kNotFound if missing). The caller has already set
  // referral.version to expected_version + 1.
  virtual absl::Status UpdateReferral(const Referral& referral,
                                      int64_t expected_version) = 0;

  // The next reference in the prefix's sequence: "<prefix>-<NNNNNN>".
  virtual absl::StatusOr<std::string> NextReference(
      const std::string& prefix) = 0;

  // The submission made under `idempotency_key`, if any; and recording one.
  virtual absl::StatusOr<std::optional<SubmissionRecord>> FindSubmission(
      const std::string& idempotency_key) = 0;
  virtual absl::Status RecordSubmission(const std::string& idempotency_key,
                                        const SubmissionRecord& record) = 0;

  // The referrals of `kind` naming, in `role`, someone who may be `person`
  // (person_match.h): sharing one of its LookupKeys, and, unless that key is
  // an identifier's, with no BirthKeys that disagree with its own. At most
  // `limit` of them: the keys in LookupKeys' order, each key's referrals
  // newest first. And replacing a referral's entries in
  // that index with `people`'s.
  virtual absl::StatusOr<std::vector<std::string>> FindMentions(
      ReferralKind kind, PersonRole role, const PersonFacts& person,
      int limit) = 0;
  // FindMentions among the referrals made at or after `since`, for a
  // submission's own checks (CheckedOnSubmission): a store may keep those
  // at hand. It may also give referrals made before `since`, and, rarely,
  // ids of referrals not stored or no longer naming such a person: callers
  // read and compare each one, and skip one not found.
  virtual absl::StatusOr<std::vector<std::string>> FindRecentMentions(
      ReferralKind kind, PersonRole role, const PersonFacts& person,
      absl::Time since, int limit) = 0;
  // Indexing also gives each of `people` not yet linked a person record of
  // its own (person_record.h), and unlinks the referral's mentions no
  // longer among them.
  virtual absl::Status IndexPeople(const Referral& referral,
                                   const std::vector<NamedPerson>& people) = 0;

  // Person records: kNotFound if there is no such record, or no record
  // holds the mention. PersonOf gives the record holding it now.
  virtual absl::StatusOr<PersonRecord> GetPerson(const std::string& id) = 0;
  virtual absl::StatusOr<std::string> PersonOf(const MentionRef& mention) = 0;
  // Merges record `from` into `into` (both unmerged); undoes the merge of
  // `id` into another record; records that `a` and `b` are not the same
  // person. Each increases the version of the records it changes.
  virtual absl::Status MergePerson(const std::string& from,
                                   const std::string& into,
                                   const PersonMergeEntry& how) = 0;
  virtual absl::Status UnmergePerson(const std::string& id) = 0;
  virtual absl::Status RejectMatch(const std::string& a, const std::string& b,
                                   const PersonMergeEntry& how) = 0;

  // Meetings and actions, as referrals: kNotFound if missing, kAborted if
  // the stored version is not `expected_version` (the caller has set
  // version to expected_version + 1).
  virtual absl::StatusOr<Meeting> GetMeeting(const std::string& id) = 0;
  virtual absl::Status InsertMeeting(const Meeting& meeting) = 0;
  virtual absl::Status UpdateMeeting(const Meeting& meeting,
                                     int64_t expected_version) = 0;
  virtual absl::StatusOr<PlanAction> GetAction(const std::string& id) = 0;
  virtual absl::Status InsertAction(const PlanAction& action) = 0;
  virtual absl::Status UpdateAction(const PlanAction& action,
                                    int64_t expected_version) = 0;
  // How many of the referral's actions have `status`.
  virtual absl::StatusOr<int> CountActions(const std::string& referral_id,
                                           ActionStatus status) = 0;
};

class UnitOfWork {
 public:
  virtual ~UnitOfWork() = default;

  // Runs `body` in one write transaction and commits what it changed
  // together with `audit`, the entry of the call making the change, as the
  // body left it; sets audit.committed. A body that changes nothing commits
  // no entry (the call's entry is appended with its outcome as for a read).
  // Returns once the commit is durable; when the body or the commit fails,
  // nothing it did is kept.
  virtual absl::Status Write(
      AuditRecord& audit,
      absl::FunctionRef<absl::Status(WriteTransaction&)> body) = 0;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_UNIT_OF_WORK_H_
