#include "server/storage/sqlcipher_unit_of_work.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/core/status_macros.h"
#include "server/storage/referral_rows.h"
#include "server/storage/sqlcipher_audit_log.h"

namespace safeguard {
namespace {

// One run of a body on the writer connection; counts what it changed.
class SqlCipherWriteTransaction final : public WriteTransaction {
 public:
  explicit SqlCipherWriteTransaction(Database& db) : db_(db) {}

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
    return Changing(insert.Run());
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
    return Changing(update.Run());
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

  absl::StatusOr<std::optional<absl::Time>> LastRepeat(
      const std::string& key) override {
    SAFEGUARD_ASSIGN_OR_RETURN(
        Statement last,
        db_.Prepare("SELECT last_referral_us FROM marac_pairs WHERE pair = ?;"));
    SAFEGUARD_RETURN_IF_ERROR(last.BindText(1, key));
    SAFEGUARD_ASSIGN_OR_RETURN(bool found, last.Step());
    if (!found) return std::nullopt;
    return absl::FromUnixMicros(last.ColumnInt64(0));
  }

  absl::Status RecordRepeat(const std::string& key, absl::Time time,
                            const std::string& referral_id) override {
    SAFEGUARD_ASSIGN_OR_RETURN(
        Statement pair,
        db_.Prepare("INSERT OR REPLACE INTO marac_pairs (pair, "
                    "last_referral_us, referral_id) VALUES (?, ?, ?);"));
    SAFEGUARD_RETURN_IF_ERROR(pair.BindText(1, key));
    SAFEGUARD_RETURN_IF_ERROR(pair.BindInt64(2, absl::ToUnixMicros(time)));
    SAFEGUARD_RETURN_IF_ERROR(pair.BindText(3, referral_id));
    return Changing(pair.Run());
  }

 private:
  absl::Status Changing(absl::Status status) {
    if (status.ok()) changed_ = true;
    return status;
  }

  Database& db_;
  bool changed_ = false;
};

}  // namespace

absl::Status SqlCipherUnitOfWork::Write(
    AuditRecord& audit,
    absl::FunctionRef<absl::Status(WriteTransaction&)> body) {
  bool changed = false;
  absl::Status done = db_.Write([&](Database& db) -> absl::Status {
    SqlCipherWriteTransaction tx(db);
    changed = false;
    SAFEGUARD_RETURN_IF_ERROR(body(tx));
    if (!tx.changed()) return absl::OkStatus();
    changed = true;
    return AppendAuditRecord(db, audit);
  });
  if (done.ok() && changed) audit.committed = true;
  return done;
}

}  // namespace safeguard
