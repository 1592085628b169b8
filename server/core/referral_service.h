// File: server/core/referral_service.h
//
// ReferralService: the domain side of safeguard.v1.Referrals. It validates
// submissions, runs the workflows (workflow.h) with each kind's module
// (referral_kind.h), enforces scope (a referral outside the caller's scope
// is kNotFound, exactly as a missing one), keeps submissions idempotent by
// request id, and publishes each committed change to ReferralEvents.
//
// Whether the caller may call a method at all was decided before the call
// reached here (server/policy); the CallContext carries that decision's
// roles and scopes, and the call's audit entry, which each change commits
// with it (unit_of_work.h) and which the service completes with the
// referral concerned and the field view disclosed.
//
// Does not own the store, unit of work, events, clock, calendar or id
// generator; all must outlive it. Safe for concurrent use.
#ifndef SAFEGUARD_SERVER_CORE_REFERRAL_SERVICE_H_
#define SAFEGUARD_SERVER_CORE_REFERRAL_SERVICE_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/core/audit_log.h"
#include "server/core/clock.h"
#include "server/core/correction.h"
#include "server/core/id_generator.h"
#include "server/core/identity.h"
#include "server/core/referral.h"
#include "server/core/referral_events.h"
#include "server/core/referral_store.h"
#include "server/core/referral_validation.h"
#include "server/core/reports/report_config.h"
#include "server/core/unit_of_work.h"
#include "server/core/workflow.h"
#include "server/core/working_days.h"

namespace safeguard {

struct CreateResult {
  Referral referral;
  bool created = false;  // false: an earlier submission with the same key
};

// Partnership data from the policy file; may change on reload.
struct Partnership {
  std::vector<std::string> areas;
  // Timescales, thresholds and the schemes' service hours.
  WorkflowConfig workflow;
  // The agencies granted a meeting representative role (meeting.h), in the
  // grant's areas (empty: every area).
  struct Representative {
    std::string agency;
    RoleSet roles;
    std::vector<std::string> areas;
  };
  std::vector<Representative> representatives;
  // The reports' small-number rules, populations and agency types.
  ReportsConfig reports;
};

// What the service needs to know about the caller of one call.
struct CallContext {
  CallerIdentity identity;
  // The roles the method was granted in; a referral is acted on in the
  // roles of the scopes it is seen through (RolesSeeing).
  RoleSet roles;
  std::vector<VisibilityScope> scopes;
  // The caller's agency is a First Responder Organisation today.
  bool first_responder = false;
  std::shared_ptr<const Partnership> partnership;
  // The call's audit entry, owned by the access layer for the call; null
  // outside a call that may change anything (a change is then refused).
  AuditRecord* audit = nullptr;

  std::string Name() const {
    return identity.agency + "/" + identity.principal;
  }
};

// The call's audit entry, which a change commits with it; kInternal outside
// a call that may change anything.
inline absl::StatusOr<AuditRecord*> AuditOf(const CallContext& ctx) {
  if (ctx.audit == nullptr) {
    return absl::InternalError("a change outside a call's audit entry");
  }
  return ctx.audit;
}

class ReferralService {
 public:
  ReferralService(ReferralStore& store, UnitOfWork& units,
                  ReferralEvents& events, const Clock& clock,
                  const HolidayCalendar& calendar, absl::TimeZone zone,
                  IdGenerator& ids)
      : store_(store),
        units_(units),
        events_(events),
        clock_(clock),
        calendar_(calendar),
        zone_(zone),
        ids_(ids) {}
  ReferralService(const ReferralService&) = delete;
  ReferralService& operator=(const ReferralService&) = delete;

  // The writes below commit the change together with the call's audit
  // entry (ctx.audit, which they complete with the referral and view) and
  // set its `committed`; when they fail, or change nothing, the caller
  // appends the entry with the outcome.
  //
  // `fingerprint` identifies the submitted body (the RPC layer hashes its
  // canonical bytes): a retry with the same request id and fingerprint
  // returns the original referral as it is now, with created = false (it
  // may be answered only with what identifies it); another fingerprint is
  // kAlreadyExists. A MARAC referral is accepted whether or not it meets a
  // criterion; the criteria are computed from the server's records.
  //
  // Each of the draft's links (one its kind takes) must name a referral of
  // the link's kind that the caller can read under `readable` (the scopes
  // of its GetReferral); that referral gets the link back, in the same
  // transaction.
  absl::StatusOr<CreateResult> Submit(
      const CallContext& ctx, const std::string& request_id,
      const std::string& fingerprint, Referral draft,
      const std::vector<VisibilityScope>& readable = {});
  absl::StatusOr<Referral> Get(const CallContext& ctx, const std::string& id);
  absl::StatusOr<QueuePage> List(const CallContext& ctx, QueueQuery query);
  absl::StatusOr<Referral> Transition(const CallContext& ctx,
                                      const std::string& id,
                                      const std::string& action,
                                      int64_t version,
                                      const TransitionDetails& details);
  // Assignment is checked like an action (CheckAssignment): by the kind and
  // state, the caller's roles on the referral, and `assignee_roles`, the
  // roles the policy grants the assignee.
  absl::StatusOr<Referral> Assign(const CallContext& ctx, const std::string& id,
                                  const std::string& assignee,
                                  RoleSet assignee_roles, int64_t version);
  absl::StatusOr<Referral> AddNote(const CallContext& ctx,
                                   const std::string& id,
                                   const std::string& text);

  // Corrects the fields at `paths` (as the API names them, e.g.
  // "subjects", "nrm.indicators"; correction.h) to their values in
  // `values`, against `version` (kAborted if stale). A path the kind does
  // not let change, or that the caller's view does not show (`shown`), is
  // kInvalidArgument naming it, and so is every new
  // violation of the kind's rules the correction makes. The history gets a
  // "correct" step with the changes `describe` finds, and the audit entry
  // their paths; a correction that changes nothing returns the referral as
  // it is, unwritten.
  absl::StatusOr<Referral> Correct(const CallContext& ctx,
                                   const std::string& id, int64_t version,
                                   const std::vector<std::string>& paths,
                                   const Referral& values,
                                   const FieldShown& shown,
                                   const ChangeDescriber& describe);

  // Links referral `id` to `other_id` with a link of `type` (one that
  // points from the referral's kind to another; referral_links.cc). If
  // the caller can read the other referral under `readable` (the scopes of
  // its GetReferral), or that referral already asked for the link, both
  // are linked; otherwise this side's proposal is recorded, and a request
  // on the other referral if it exists. The result is the same whether or
  // not it does. Asking again changes nothing.
  absl::StatusOr<Referral> Link(const CallContext& ctx, const std::string& id,
                                LinkType type, const std::string& other_id,
                                const std::vector<VisibilityScope>& readable);
  // Removes the referral's link (of any status) to `other_id`, and the
  // other referral's to it; kNotFound if it holds none.
  absl::StatusOr<Referral> Unlink(const CallContext& ctx,
                                  const std::string& id,
                                  const std::string& other_id);

  // The other referrals naming someone who may be a person `referral`
  // names (person_index.h), most alike first, at most kMaxKnownElsewhere.
  // For a person whose candidates all score alike (a name alone), the
  // newest, reading no more referrals than the list needs.
  // Only their envelopes are read out; the caller must be shown them.
  absl::StatusOr<std::vector<KnownElsewhere>> AlsoKnownTo(
      const Referral& referral);
  static constexpr int kMaxKnownElsewhere = 20;

  // The roles in which the caller sees `referral` (its field views): those
  // of the scopes it is reached through, or for a new submission the roles
  // the caller submitted in.
  static RoleSet ViewRoles(const CallContext& ctx, const Referral& referral);

 private:
  // The partnership's timescales, or the defaults without a partnership.
  static const WorkflowConfig& ConfigFor(const CallContext& ctx);
  // What validation knows of the partnership (its areas, schemes, MARAC
  // criteria).
  static ValidationConfig ValidationFor(const CallContext& ctx);
  // Optimistic concurrency: kAborted unless `version` is the referral's.
  static absl::Status CheckVersion(const Referral& r, int64_t version);
  // The referral if it exists and is in scope; kNotFound otherwise.
  absl::StatusOr<Referral> LoadVisible(const CallContext& ctx,
                                       const std::string& id);
  // Gives the referral `link` names the link back from `row` (a new
  // referral), if the caller can read it under `readable`; returns it
  // updated, or kInvalidArgument naming `field`.
  static absl::StatusOr<Referral> LinkBack(
      WriteTransaction& tx, const Referral& row, const ReferralLink& link,
      const std::vector<VisibilityScope>& readable, absl::Time now,
      const std::string& field);
  // A change to a referral's links and, through them, another referral's:
  // it edits both in place (taking a Step bumps a version), for `actor`,
  // `now`; `other` is kNotFound when there is no such referral.
  using LinkChange = std::function<absl::Status(
      Referral& referral, absl::StatusOr<Referral>& other,
      const std::string& actor, absl::Time now)>;
  // Runs `change` inside one write transaction over `visible` (read again)
  // and the referral `other_id`, writes each one it changed with the call's
  // audit entry (naming the other as disclosed), and publishes them.
  absl::StatusOr<Referral> ChangeLinks(const CallContext& ctx,
                                       const Referral& visible,
                                       const std::string& other_id,
                                       const LinkChange& change);
  // Takes `action` on `current` inside one write transaction, with what the
  // store knows of the case (CaseFacts); an action that names a meeting
  // lists the case to it, the referral and the meeting changing together.
  absl::StatusOr<Referral> TakeAction(const CallContext& ctx, Referral current,
                                      const std::string& action,
                                      int64_t version,
                                      const TransitionDetails& details,
                                      const Actor& actor, absl::Time now);
  // Stores `updated` (version already bumped) with the call's audit entry,
  // and `also` (if set) in the same transaction, and publishes it.
  absl::StatusOr<Referral> Commit(
      const CallContext& ctx, Referral updated, int64_t expected_version,
      const std::function<absl::Status(WriteTransaction&)>& also = nullptr);

  ReferralStore& store_;
  UnitOfWork& units_;
  ReferralEvents& events_;
  const Clock& clock_;
  const HolidayCalendar& calendar_;
  const absl::TimeZone zone_;
  IdGenerator& ids_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_REFERRAL_SERVICE_H_
