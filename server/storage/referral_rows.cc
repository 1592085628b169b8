#include "server/storage/referral_rows.h"

#include "absl/strings/str_cat.h"
#include "server/core/referral_store.h"
#include "server/core/status_macros.h"
#include "server/storage/stored_referral.h"

namespace safeguard {
namespace {

std::string Serialize(const Referral& r) {
  storage::v1::StoredReferral stored;
  ToStored(r, &stored);
  std::string out;
  stored.SerializeToString(&out);
  return out;
}

}  // namespace

absl::StatusOr<Referral> ParseReferralBody(absl::string_view body) {
  storage::v1::StoredReferral stored;
  if (!stored.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return absl::DataLossError("a stored referral does not parse");
  }
  return FromStored(stored);
}

absl::Status BindReferralRow(Statement& s, const Referral& r) {
  const QueueCursor key = CursorOf(r);
  SAFEGUARD_RETURN_IF_ERROR(s.BindText(1, r.id));
  SAFEGUARD_RETURN_IF_ERROR(s.BindText(2, r.reference));
  SAFEGUARD_RETURN_IF_ERROR(s.BindInt64(3, static_cast<int>(r.kind)));
  SAFEGUARD_RETURN_IF_ERROR(s.BindText(4, r.state));
  SAFEGUARD_RETURN_IF_ERROR(s.BindText(5, r.area));
  SAFEGUARD_RETURN_IF_ERROR(s.BindInt64(6, key.priority));
  SAFEGUARD_RETURN_IF_ERROR(s.BindInt64(7, key.deadline_us));
  SAFEGUARD_RETURN_IF_ERROR(s.BindText(8, r.assignee));
  SAFEGUARD_RETURN_IF_ERROR(s.BindText(9, r.referring_agency));
  SAFEGUARD_RETURN_IF_ERROR(
      s.BindText(10, absl::StrCat(r.referring_agency, "/", r.referrer)));
  SAFEGUARD_RETURN_IF_ERROR(s.BindInt64(11, r.version));
  SAFEGUARD_RETURN_IF_ERROR(s.BindInt64(12, absl::ToUnixMicros(r.create_time)));
  SAFEGUARD_RETURN_IF_ERROR(s.BindInt64(13, absl::ToUnixMicros(r.update_time)));
  return s.BindBlob(14, Serialize(r));
}

absl::StatusOr<Referral> LoadReferral(Database& db, const std::string& id) {
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement s, db.Prepare("SELECT body FROM referrals WHERE id = ?;"));
  SAFEGUARD_RETURN_IF_ERROR(s.BindText(1, id));
  SAFEGUARD_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return absl::NotFoundError("no such referral");
  return ParseReferralBody(s.ColumnView(0));
}

}  // namespace safeguard
