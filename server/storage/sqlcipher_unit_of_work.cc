#include "server/storage/sqlcipher_unit_of_work.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/core/status_macros.h"
#include "server/storage/meeting_rows.h"
#include "server/storage/person_index_rows.h"
#include "server/storage/person_record_rows.h"
#include "server/storage/referral_rows.h"
#include "server/storage/report_facts_rows.h"
#include "server/storage/sqlcipher_audit_log.h"

namespace safeguard {
namespace {

// One run of a body on the writer connection; counts what it changed.
class SqlCipherWriteTransaction final : public WriteTransaction {
 public:
  SqlCipherWriteTransaction(Database& db, RecentMentions* recent)
      : db_(db), recent_(recent) {}

  bool changed() const { return changed_; }

  absl::StatusOr<Referral> GetReferral(const std::string& id) override {
    return LoadReferral(db_, id);
  }

  absl::Status InsertReferral(const Referral& referral) override {
    static const std::string* const kInsert = new std::string(
        absl::StrCat("INSERT INTO referrals (", kReferralColumns,
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);"));
    SAFEGUARD_ASSIGN_OR_RETURN(Statement insert, db_.Prepare(*kInsert));
    SAFEGUARD_RETURN_IF_ERROR(BindReferralRow(insert, referral));
    SAFEGUARD_RETURN_IF_ERROR(Changing(insert.Run()));
    return PutReportFactsRow(db_, referral);
  }

  absl::Status UpdateReferral(const Referral& referral,
                              int64_t expected_version) override {
    SAFEGUARD_ASSIGN_OR_RETURN(
        Statement current,
        db_.Prepare("SELECT version FROM referrals WHERE id = ?;"));
    SAFEGUARD_RETURN_IF_ERROR(current.BindText(1, referral.id));
    SAFEGUARD_ASSIGN_OR_RETURN(bool found, current.Step());
    if (!found) return absl::NotFoundError("no such referral");
    if (current.ColumnInt64(0) != expected_version) {
      return absl::AbortedError(absl::StrCat(
          "the referral has changed (version ", current.ColumnInt64(0),
          ", not ", expected_version, "); read it again and retry"));
    }
    static const std::string* const kUpdate = new std::string(absl::StrCat(
        "UPDATE referrals SET (", kReferralColumns,
        ") = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) WHERE id = ?;"));
    SAFEGUARD_ASSIGN_OR_RETURN(Statement update, db_.Prepare(*kUpdate));
    SAFEGUARD_RETURN_IF_ERROR(BindReferralRow(update, referral));
    SAFEGUARD_RETURN_IF_ERROR(update.BindText(15, referral.id));
    SAFEGUARD_RETURN_IF_ERROR(Changing(update.Run()));
    return PutReportFactsRow(db_, referral);
  }

  absl::StatusOr<std::string> NextReference(
      const std::string& prefix) override {
    SAFEGUARD_ASSIGN_OR_RETURN(
        Statement bump,
        db_.Prepare("UPDATE OR FAIL reference_sequences SET last = last + 1 "
                    "WHERE prefix = ?;"));
    SAFEGUARD_RETURN_IF_ERROR(bump.BindText(1, prefix));
    SAFEGUARD_RETURN_IF_ERROR(Changing(bump.Run()));
    if (db_.Changes() == 0) {
      SAFEGUARD_ASSIGN_OR_RETURN(
          Statement first,
          db_.Prepare("INSERT INTO reference_sequences (prefix, last) "
                      "VALUES (?, 1);"));
      SAFEGUARD_RETURN_IF_ERROR(first.BindText(1, prefix));
      SAFEGUARD_RETURN_IF_ERROR(first.Run());
    }
    SAFEGUARD_ASSIGN_OR_RETURN(
        Statement last,
        db_.Prepare("SELECT last FROM reference_sequences WHERE prefix = ?;"));
    SAFEGUARD_RETURN_IF_ERROR(last.BindText(1, prefix));
    SAFEGUARD_RETURN_IF_ERROR(last.Step().status());
    return absl::StrFormat("%s-%06d", prefix, last.ColumnInt64(0));
  }

  absl::StatusOr<std::optional<SubmissionRecord>> FindSubmission(
      const std::string& key) override {
    SAFEGUARD_ASSIGN_OR_RETURN(
        Statement seen,
        db_.Prepare("SELECT fingerprint, referral_id FROM submissions "
                    "WHERE idempotency_key = ?;"));
    SAFEGUARD_RETURN_IF_ERROR(seen.BindText(1, key));
    SAFEGUARD_ASSIGN_OR_RETURN(bool found, seen.Step());
    if (!found) return std::nullopt;
    return SubmissionRecord{seen.ColumnText(0), seen.ColumnText(1)};
  }

  absl::Status RecordSubmission(const std::string& key,
                                const SubmissionRecord& record) override {
    SAFEGUARD_ASSIGN_OR_RETURN(
        Statement remember,
        db_.Prepare("INSERT INTO submissions (idempotency_key, fingerprint, "
                    "referral_id) VALUES (?, ?, ?);"));
    SAFEGUARD_RETURN_IF_ERROR(remember.BindText(1, key));
    SAFEGUARD_RETURN_IF_ERROR(remember.BindText(2, record.fingerprint));
    SAFEGUARD_RETURN_IF_ERROR(remember.BindText(3, record.referral_id));
    return Changing(remember.Run());
  }

  absl::StatusOr<std::vector<std::string>> FindMentions(
      ReferralKind kind, PersonRole role, const PersonFacts& person,
      int limit) override {
    return FindMentionRows(db_, kind, role, person, limit);
  }

  absl::StatusOr<std::vector<std::string>> FindRecentMentions(
      ReferralKind kind, PersonRole role, const PersonFacts& person,
      absl::Time since, int limit) override {
    if (recent_ != nullptr) {
      std::optional<std::vector<std::string>> found =
          recent_->Find(kind, role, person, since, limit);
      if (found.has_value()) return *std::move(found);
    }
    return FindMentionRows(db_, kind, role, person, limit);
  }

  absl::Status IndexPeople(const Referral& referral,
                           const std::vector<NamedPerson>& people) override {
    SAFEGUARD_RETURN_IF_ERROR(Changing(IndexPeopleRows(db_, referral, people)));
    if (recent_ != nullptr) recent_->Add(referral, people);
    return LinkPeopleRows(db_, referral, people);
  }

  absl::StatusOr<PersonRecord> GetPerson(const std::string& id) override {
    return LoadPersonRow(db_, id);
  }
  absl::StatusOr<std::string> PersonOf(const MentionRef& mention) override {
    return PersonOfRow(db_, mention);
  }
  absl::Status MergePerson(const std::string& from, const std::string& into,
                           const PersonMergeEntry& how) override {
    return Changing(MergePersonRows(db_, from, into, how));
  }
  absl::Status UnmergePerson(const std::string& id) override {
    return Changing(UnmergePersonRows(db_, id));
  }
  absl::Status RejectMatch(const std::string& a, const std::string& b,
                           const PersonMergeEntry& how) override {
    return Changing(RejectMatchRows(db_, a, b, how));
  }

  absl::StatusOr<Meeting> GetMeeting(const std::string& id) override {
    return LoadMeeting(db_, id);
  }
  absl::Status InsertMeeting(const Meeting& meeting) override {
    return Changing(InsertMeetingRow(db_, meeting));
  }
  absl::Status UpdateMeeting(const Meeting& meeting,
                             int64_t expected_version) override {
    return Changing(UpdateMeetingRow(db_, meeting, expected_version));
  }
  absl::StatusOr<PlanAction> GetAction(const std::string& id) override {
    return LoadAction(db_, id);
  }
  absl::Status InsertAction(const PlanAction& action) override {
    return Changing(InsertActionRow(db_, action));
  }
  absl::Status UpdateAction(const PlanAction& action,
                            int64_t expected_version) override {
    return Changing(UpdateActionRow(db_, action, expected_version));
  }
  absl::StatusOr<int> CountActions(const std::string& referral_id,
                                   ActionStatus status) override {
    return safeguard::CountActions(db_, referral_id, status);
  }

 private:
  absl::Status Changing(absl::Status status) {
    if (status.ok()) changed_ = true;
    return status;
  }

  Database& db_;
  RecentMentions* const recent_;  // may be null
  bool changed_ = false;
};

// The transaction a body is given: `store`'s, noting whether the store
// itself failed (I/O, a body that does not parse, ...) rather than
// answering as the domain expects (not found, a version changed, an id
// taken). A body's failure without one is the body's own refusal.
class RefusalAwareTransaction final : public WriteTransaction {
 public:
  explicit RefusalAwareTransaction(WriteTransaction& store) : store_(store) {}

  bool store_failed() const { return store_failed_; }

  absl::StatusOr<Referral> GetReferral(const std::string& id) override {
    return Noted(store_.GetReferral(id));
  }
  absl::Status InsertReferral(const Referral& r) override {
    return Noted(store_.InsertReferral(r));
  }
  absl::Status UpdateReferral(const Referral& r, int64_t expected) override {
    return Noted(store_.UpdateReferral(r, expected));
  }
  absl::StatusOr<std::string> NextReference(const std::string& prefix) override {
    return Noted(store_.NextReference(prefix));
  }
  absl::StatusOr<std::optional<SubmissionRecord>> FindSubmission(
      const std::string& key) override {
    return Noted(store_.FindSubmission(key));
  }
  absl::Status RecordSubmission(const std::string& key,
                                const SubmissionRecord& record) override {
    return Noted(store_.RecordSubmission(key, record));
  }
  absl::StatusOr<std::vector<std::string>> FindMentions(
      ReferralKind kind, PersonRole role, const PersonFacts& person,
      int limit) override {
    return Noted(store_.FindMentions(kind, role, person, limit));
  }
  absl::StatusOr<std::vector<std::string>> FindRecentMentions(
      ReferralKind kind, PersonRole role, const PersonFacts& person,
      absl::Time since, int limit) override {
    return Noted(store_.FindRecentMentions(kind, role, person, since, limit));
  }
  absl::Status IndexPeople(const Referral& referral,
                           const std::vector<NamedPerson>& people) override {
    return Noted(store_.IndexPeople(referral, people));
  }
  absl::StatusOr<PersonRecord> GetPerson(const std::string& id) override {
    return Noted(store_.GetPerson(id));
  }
  absl::StatusOr<std::string> PersonOf(const MentionRef& mention) override {
    return Noted(store_.PersonOf(mention));
  }
  absl::Status MergePerson(const std::string& from, const std::string& into,
                           const PersonMergeEntry& how) override {
    return Noted(store_.MergePerson(from, into, how));
  }
  absl::Status UnmergePerson(const std::string& id) override {
    return Noted(store_.UnmergePerson(id));
  }
  absl::Status RejectMatch(const std::string& a, const std::string& b,
                           const PersonMergeEntry& how) override {
    return Noted(store_.RejectMatch(a, b, how));
  }
  absl::StatusOr<Meeting> GetMeeting(const std::string& id) override {
    return Noted(store_.GetMeeting(id));
  }
  absl::Status InsertMeeting(const Meeting& m) override {
    return Noted(store_.InsertMeeting(m));
  }
  absl::Status UpdateMeeting(const Meeting& m, int64_t expected) override {
    return Noted(store_.UpdateMeeting(m, expected));
  }
  absl::StatusOr<PlanAction> GetAction(const std::string& id) override {
    return Noted(store_.GetAction(id));
  }
  absl::Status InsertAction(const PlanAction& a) override {
    return Noted(store_.InsertAction(a));
  }
  absl::Status UpdateAction(const PlanAction& a, int64_t expected) override {
    return Noted(store_.UpdateAction(a, expected));
  }
  absl::StatusOr<int> CountActions(const std::string& referral_id,
                                   ActionStatus status) override {
    return Noted(store_.CountActions(referral_id, status));
  }

 private:
  void Note(const absl::Status& s) {
    if (!s.ok() && !absl::IsNotFound(s) && !absl::IsAborted(s) &&
        !absl::IsAlreadyExists(s)) {
      store_failed_ = true;
    }
  }
  absl::Status Noted(absl::Status s) {
    Note(s);
    return s;
  }
  template <typename T>
  absl::StatusOr<T> Noted(absl::StatusOr<T> s) {
    Note(s.status());
    return s;
  }

  WriteTransaction& store_;
  bool store_failed_ = false;
};

// What the batch is told of a body's own refusal (say, a state that does
// not allow the change), so that it is not taken for a failure of the
// store; the caller is answered with the refusal itself.
constexpr absl::string_view kRefused = "the write's body refused";

}  // namespace

absl::Status SqlCipherUnitOfWork::Write(
    AuditRecord& audit,
    absl::FunctionRef<absl::Status(WriteTransaction&)> body) {
  bool changed = false;
  absl::Status refusal;
  absl::Status done = db_.Write([&](Database& db) -> absl::Status {
    SqlCipherWriteTransaction tx(db, recent_);
    RefusalAwareTransaction noted(tx);
    changed = false;
    refusal = absl::OkStatus();
    absl::Status status = body(noted);
    if (!status.ok()) {
      if (noted.store_failed()) return status;
      refusal = std::move(status);
      return absl::AbortedError(kRefused);
    }
    if (!tx.changed()) return absl::OkStatus();
    changed = true;
    return AppendAuditRecord(db, audit);
  });
  if (!refusal.ok() && absl::IsAborted(done) && done.message() == kRefused) {
    return refusal;
  }
  if (done.ok() && changed) audit.committed = true;
  return done;
}

}  // namespace safeguard
