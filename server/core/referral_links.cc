// ReferralService's links between referrals: given back at submission
// (LinkBack), asked for and confirmed from each side (Link), and removed
// (Unlink). A link records who made it or asked for it and when; each
// change is a step in both referrals' histories.
#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "server/core/field_violations.h"
#include "server/core/referral_service.h"
#include "server/core/status_macros.h"

namespace safeguard {
namespace {

// Links one referral may hold, of every status.
constexpr size_t kMaxLinksHeld = 16;

ReferralLink* FindLink(Referral& r, const std::string& other_id) {
  auto it = std::find_if(
      r.links.begin(), r.links.end(),
      [&](const ReferralLink& l) { return l.referral_id == other_id; });
  return it == r.links.end() ? nullptr : &*it;
}

// Records a step that leaves the state as it is, and bumps the version.
void Step(Referral& r, const std::string& actor, absl::Time now,
          const std::string& action, std::string reason) {
  TransitionRecord record;
  record.actor = actor;
  record.time = now;
  record.action = action;
  record.from_state = r.state;
  record.to_state = r.state;
  record.reason = std::move(reason);
  r.history.push_back(std::move(record));
  r.update_time = now;
  r.version += 1;
}

}  // namespace

absl::StatusOr<Referral> ReferralService::LinkBack(
    WriteTransaction& tx, const Referral& row, const ReferralLink& link,
    const std::vector<VisibilityScope>& readable, absl::Time now,
    const std::string& field) {
  absl::StatusOr<Referral> other = tx.GetReferral(link.referral_id);
  if (!other.ok() && !absl::IsNotFound(other.status())) return other.status();
  if (!other.ok() || other->kind != LinkTargetKind(link.type) ||
      !IsVisible(*other, readable)) {
    return InvalidArgumentWithViolations(
        {{field, absl::StrCat("names no ", ReferralKindName(LinkTargetKind(link.type)),
                              " referral the caller can read")}});
  }
  const int64_t version = other->version;
  other->links.push_back({ReverseLink(link.type), row.id, link.linked_by, now});
  Step(*other, link.linked_by, now, "link",
       absl::StrCat("linked from ", row.reference));
  SAFEGUARD_RETURN_IF_ERROR(tx.UpdateReferral(*other, version));
  return other;
}

absl::StatusOr<Referral> ReferralService::ChangeLinks(
    const CallContext& ctx, const Referral& visible,
    const std::string& other_id, const LinkChange& change) {
  SAFEGUARD_ASSIGN_OR_RETURN(AuditRecord* const audit, AuditOf(ctx));
  audit->view = ViewRoles(ctx, visible).ToString();
  const absl::Time now = clock_.Now();
  Referral result;
  std::optional<Referral> other_written;
  SAFEGUARD_RETURN_IF_ERROR(units_.Write(
      *audit, [&](WriteTransaction& tx) -> absl::Status {
        other_written.reset();
        audit->disclosed.clear();
        SAFEGUARD_ASSIGN_OR_RETURN(Referral r, tx.GetReferral(visible.id));
        absl::StatusOr<Referral> other = tx.GetReferral(other_id);
        if (!other.ok() && !absl::IsNotFound(other.status())) {
          return other.status();
        }
        const int64_t version = r.version;
        const int64_t other_version = other.ok() ? other->version : 0;
        SAFEGUARD_RETURN_IF_ERROR(change(r, other, ctx.Name(), now));
        if (r.version != version) {
          SAFEGUARD_RETURN_IF_ERROR(tx.UpdateReferral(r, version));
        }
        if (other.ok() && other->version != other_version) {
          SAFEGUARD_RETURN_IF_ERROR(tx.UpdateReferral(*other, other_version));
          audit->disclosed.push_back(other->id);
          other_written = *std::move(other);
        }
        result = std::move(r);
        return absl::OkStatus();
      }));
  if (result.version != visible.version) {
    events_.Publish({ReferralEventType::kUpdated, result, now});
  }
  if (other_written.has_value()) {
    events_.Publish({ReferralEventType::kUpdated, *other_written, now});
  }
  return result;
}

absl::StatusOr<Referral> ReferralService::Link(
    const CallContext& ctx, const std::string& id, LinkType type,
    const std::string& other_id,
    const std::vector<VisibilityScope>& readable) {
  SAFEGUARD_ASSIGN_OR_RETURN(AuditRecord* const audit, AuditOf(ctx));
  SAFEGUARD_ASSIGN_OR_RETURN(const Referral visible, LoadVisible(ctx, id));
  audit->referral_id = visible.id;
  const ReferralKind target = LinkTargetKind(type);
  if (target == ReferralKind::kUnspecified ||
      LinkTargetKind(ReverseLink(type)) != visible.kind) {
    return InvalidArgumentWithViolations(
        {{"link.type", "is not a link this kind of referral takes"}});
  }
  if (other_id == id) {
    return InvalidArgumentWithViolations(
        {{"link.referral", "names the referral being linked"}});
  }
  return ChangeLinks(
      ctx, visible, other_id,
      [&](Referral& r, absl::StatusOr<Referral>& other,
          const std::string& actor, absl::Time now) -> absl::Status {
        const bool exists = other.ok() && other->kind == target;
        ReferralLink* mine = FindLink(r, other_id);
        const bool confirms =
            exists && mine != nullptr && mine->status == LinkStatus::kRequested;
        const bool reads_both = exists && IsVisible(*other, readable);
        if (mine != nullptr && !confirms &&
            (mine->status == LinkStatus::kLinked || !reads_both)) {
          return absl::OkStatus();  // asked before: nothing changes
        }
        if (mine == nullptr && r.links.size() >= kMaxLinksHeld) {
          return absl::FailedPreconditionError(absl::StrCat(
              "the referral holds the most links it may (", kMaxLinksHeld,
              ")"));
        }
        const LinkStatus status = confirms || reads_both
                                      ? LinkStatus::kLinked
                                      : LinkStatus::kProposed;
        const ReferralLink link{type, other_id, actor, now, status};
        if (mine == nullptr) {
          r.links.push_back(link);
        } else {
          *mine = link;
        }
        if (status == LinkStatus::kLinked) {
          Step(r, actor, now, "link",
               absl::StrCat("linked to ", other->reference));
        } else {
          Step(r, actor, now, "propose_link",
               "asked to link to another referral");
        }
        if (!exists) return absl::OkStatus();
        ReferralLink* theirs = FindLink(*other, id);
        if (status == LinkStatus::kLinked) {
          const ReferralLink back{ReverseLink(type), id, actor, now,
                                  LinkStatus::kLinked};
          if (theirs == nullptr) {
            other->links.push_back(back);
          } else {
            *theirs = back;
          }
          Step(*other, actor, now, "link",
               absl::StrCat("linked to ", r.reference));
        } else if (theirs == nullptr && other->links.size() < kMaxLinksHeld) {
          other->links.push_back(
              {ReverseLink(type), id, actor, now, LinkStatus::kRequested});
          Step(*other, actor, now, "link_requested",
               absl::StrCat("asked for by ", r.reference));
        }
        return absl::OkStatus();
      });
}

absl::StatusOr<Referral> ReferralService::Unlink(const CallContext& ctx,
                                                 const std::string& id,
                                                 const std::string& other_id) {
  SAFEGUARD_ASSIGN_OR_RETURN(AuditRecord* const audit, AuditOf(ctx));
  SAFEGUARD_ASSIGN_OR_RETURN(const Referral visible, LoadVisible(ctx, id));
  audit->referral_id = visible.id;
  if (other_id == id) {
    return InvalidArgumentWithViolations(
        {{"referral", "names the referral being unlinked"}});
  }
  return ChangeLinks(
      ctx, visible, other_id,
      [&](Referral& r, absl::StatusOr<Referral>& other,
          const std::string& actor, absl::Time now) -> absl::Status {
        const ReferralLink* mine = FindLink(r, other_id);
        if (mine == nullptr) return absl::NotFoundError("link not found");
        const LinkStatus status = mine->status;
        r.links.erase(r.links.begin() + (mine - r.links.data()));
        switch (status) {
          case LinkStatus::kLinked:
            Step(r, actor, now, "unlink",
                 other.ok() ? absl::StrCat("unlinked from ", other->reference)
                            : "unlinked");
            break;
          case LinkStatus::kRequested:
            Step(r, actor, now, "unlink", "declined the link asked for");
            break;
          default:
            Step(r, actor, now, "unlink", "withdrew the link asked for");
            break;
        }
        const ReferralLink* theirs = other.ok() ? FindLink(*other, id) : nullptr;
        if (theirs == nullptr) return absl::OkStatus();
        other->links.erase(other->links.begin() +
                           (theirs - other->links.data()));
        Step(*other, actor, now, "unlink",
             status == LinkStatus::kLinked
                 ? absl::StrCat("unlinked from ", r.reference)
             : status == LinkStatus::kRequested
                 ? std::string("the link asked for was declined")
                 : std::string("the link asked for was withdrawn"));
        return absl::OkStatus();
      });
}

}  // namespace safeguard
