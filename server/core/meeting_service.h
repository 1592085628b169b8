// File: server/core/meeting_service.h
//
// MeetingService: the domain side of safeguard.v1.Meetings. It keeps
// meetings (meeting.h) and their action plans, decides who may do what to
// them, and builds agendas (agenda.h). Cases are listed to a meeting by the
// referral's own listing action (ReferralService::Transition with a
// meeting), in the same transaction.
//
// A meeting is reached through the caller's scopes (meeting_store.h): one
// out of reach is kNotFound, as a missing one. In reach, its organisers
// (the MARAC coordinator, the Channel chair: OrganiserRoles) run it, and
// the represented agencies' representatives (RepresentativeRoles) research
// its cases and work their own agencies' actions.
//
// Each change commits with the call's audit entry (ctx.audit), which it
// completes with the referral concerned; an agenda's entry names every
// referral it disclosed.
//
// Does not own its collaborators; all must outlive it. Safe for concurrent
// use.
#ifndef SAFEGUARD_SERVER_CORE_MEETING_SERVICE_H_
#define SAFEGUARD_SERVER_CORE_MEETING_SERVICE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/core/agenda.h"
#include "server/core/clock.h"
#include "server/core/id_generator.h"
#include "server/core/meeting.h"
#include "server/core/meeting_store.h"
#include "server/core/referral_service.h"
#include "server/core/referral_store.h"
#include "server/core/unit_of_work.h"

namespace safeguard {

// What a caller gives to create a meeting (fields named "meeting.*").
struct MeetingDraft {
  ReferralKind kind = ReferralKind::kUnspecified;
  std::string area;
  absl::Time start_time = absl::InfinitePast();
  std::string chair;
  std::string venue;
  // Empty: every agency the policy gives a representative in the area.
  std::vector<std::string> agencies;
};

// What a caller gives to create an action (fields named "action.*").
struct ActionDraft {
  std::string referral_id;
  std::string description;
  std::string owner_agency;
  std::string owner;
  Date due_date;
};

class MeetingService {
 public:
  MeetingService(ReferralStore& referrals, MeetingStore& meetings,
                 UnitOfWork& units, const Clock& clock, absl::TimeZone zone,
                 IdGenerator& ids)
      : referrals_(referrals),
        meetings_(meetings),
        units_(units),
        clock_(clock),
        zone_(zone),
        ids_(ids) {}
  MeetingService(const MeetingService&) = delete;
  MeetingService& operator=(const MeetingService&) = delete;

  // Idempotent by `request_id`, as a submission: a retry with the same body
  // (`fingerprint`) returns the meeting, another body is kAlreadyExists.
  absl::StatusOr<Meeting> Create(const CallContext& ctx,
                                 const std::string& request_id,
                                 const std::string& fingerprint,
                                 MeetingDraft draft);
  absl::StatusOr<Meeting> Get(const CallContext& ctx, const std::string& id);
  // The meetings of `query.kind` in reach, from `query.from`.
  absl::StatusOr<MeetingPage> List(const CallContext& ctx, MeetingQuery query);
  // "hold" (scheduled to held) or "close" (held to closed).
  absl::StatusOr<Meeting> Transition(const CallContext& ctx,
                                     const std::string& id,
                                     const std::string& action,
                                     int64_t version);
  // Replaces the attendance of `attendance.agency`, which must be
  // represented.
  absl::StatusOr<Meeting> RecordAttendance(const CallContext& ctx,
                                           const std::string& id,
                                           Attendance attendance);
  // The caller's agency's research on a listed case, before the meeting.
  absl::StatusOr<Meeting> RecordResearch(const CallContext& ctx,
                                         const std::string& id,
                                         const std::string& referral_id,
                                         const std::string& text);
  absl::StatusOr<Meeting> RecordOutcome(const CallContext& ctx,
                                        const std::string& id,
                                        const std::string& referral_id,
                                        const std::string& outcome);
  // The agenda, with `view_roles` set to the roles the caller sees its
  // cases in (the meeting's roles).
  absl::StatusOr<Agenda> GetAgenda(const CallContext& ctx,
                                   const std::string& id, RoleSet* view_roles);

  // Idempotent by `request_id`, as Create.
  absl::StatusOr<PlanAction> CreateAction(const CallContext& ctx,
                                          const std::string& meeting_id,
                                          const std::string& request_id,
                                          const std::string& fingerprint,
                                          ActionDraft draft);
  // By the owning agency's representative or the organiser.
  absl::StatusOr<PlanAction> UpdateAction(const CallContext& ctx,
                                          const std::string& id,
                                          ActionStatus status,
                                          const std::string& reason,
                                          int64_t version);
  // The actions of meetings in reach; `query.kind` may be left unset when
  // the caller reaches meetings of one kind only.
  absl::StatusOr<ActionPage> ListActions(const CallContext& ctx,
                                         ActionQuery query);

  // Today where the partnership is, and its time zone.
  absl::CivilDay Today() const;
  absl::TimeZone zone() const { return zone_; }

 private:
  // Every action `query` finds, page by page; kFailedPrecondition past
  // the most an agenda reviews.
  absl::StatusOr<ActionPage> AllActions(ActionQuery query);
  // `asked`, or when unset the one kind of meeting the caller reaches
  // (kUnspecified for none); kInvalidArgument naming `field` if it reaches
  // more than one.
  static absl::StatusOr<ReferralKind> KindReached(const CallContext& ctx,
                                                  ReferralKind asked,
                                                  const std::string& field);
  // The meeting if it is in reach, with the roles that reach it; kNotFound
  // otherwise.
  absl::StatusOr<Meeting> LoadVisible(const CallContext& ctx,
                                      const std::string& id, RoleSet* roles);
  // Loads the meeting in the caller's reach (kNotFound otherwise), lets
  // `change` change it given the roles that reach it, and commits it.
  absl::StatusOr<Meeting> ChangeMeeting(
      const CallContext& ctx, const std::string& id,
      absl::FunctionRef<absl::Status(Meeting&, RoleSet roles)> change);

  ReferralStore& referrals_;
  MeetingStore& meetings_;
  UnitOfWork& units_;
  const Clock& clock_;
  const absl::TimeZone zone_;
  IdGenerator& ids_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_MEETING_SERVICE_H_
