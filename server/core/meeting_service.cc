#include "server/core/meeting_service.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/core/field_violations.h"
#include "server/core/identity.h"
#include "server/core/referral_validation.h"
#include "server/core/status_macros.h"

namespace safeguard {
namespace {

constexpr size_t kMaxRequestIdBytes = 128;
constexpr size_t kMaxVenueBytes = 500;
constexpr size_t kMaxResearchBytes = 8000;
constexpr size_t kMaxOutcomeBytes = 8000;
constexpr size_t kMaxDescriptionBytes = 2000;
constexpr size_t kMaxReasonBytes = 2000;
// The actions an agenda reads a page at a time, and the most it reviews:
// past that the agenda is refused rather than shown without some.
constexpr int kAgendaActionPage = 500;
constexpr size_t kMaxAgendaActions = 5000;

absl::Status MeetingNotFound() {
  return absl::NotFoundError("meeting not found");
}
absl::Status ActionNotFound() { return absl::NotFoundError("action not found"); }

void CheckRequestId(FieldChecker& c, const std::string& request_id) {
  if (request_id.empty()) {
    c.Add("request_id", "is required");
  } else if (request_id.size() > kMaxRequestIdBytes) {
    c.Add("request_id",
          absl::StrCat("must be at most ", kMaxRequestIdBytes, " bytes"));
  }
}

// The agencies the policy gives a representative of `kind` in `area`.
std::vector<std::string> RepresentedAgencies(const CallContext& ctx,
                                             ReferralKind kind,
                                             const std::string& area) {
  std::vector<std::string> out;
  if (ctx.partnership == nullptr) return out;
  for (const Partnership::Representative& r : ctx.partnership->representatives) {
    if (!r.roles.Intersects(RepresentativeRoles(kind))) continue;
    if (!r.areas.empty() && !absl::c_linear_search(r.areas, area)) continue;
    if (!absl::c_linear_search(out, r.agency)) out.push_back(r.agency);
  }
  return out;
}

absl::Status NotAnOrganiser(ReferralKind kind) {
  return absl::PermissionDeniedError(
      kind == ReferralKind::kChannel
          ? "only the Channel panel's chair may do this"
          : "only the MARAC coordinator may do this");
}

// The research and outcomes one meeting holds in all, so that a meeting
// stays well inside one response.
constexpr size_t kMaxMeetingTextBytes = 1 << 20;

// Whether `m` can take `adding` more bytes of text in place of `replacing`.
absl::Status RoomFor(const Meeting& m, size_t adding, size_t replacing) {
  size_t total = 0;
  for (const MeetingCase& c : m.cases) {
    total += c.outcome.size();
    for (const Research& r : c.research) total += r.text.size();
  }
  if (total - replacing + adding <= kMaxMeetingTextBytes) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "the meeting holds the most research and outcomes it may (",
      kMaxMeetingTextBytes, " bytes)"));
}

// Narrows `areas` (empty: every area) to those `scopes` reach meetings of
// `kind` in; false when that leaves none.
bool NarrowToReach(ReferralKind kind, const std::vector<VisibilityScope>& scopes,
                   std::vector<std::string>& areas) {
  std::optional<std::vector<std::string>> reach = AreasReached(kind, scopes);
  if (!reach.has_value()) return true;
  if (areas.empty()) {
    areas = *std::move(reach);
  } else {
    std::vector<std::string> both;
    for (const std::string& a : areas) {
      if (absl::c_linear_search(*reach, a)) both.push_back(a);
    }
    areas = std::move(both);
  }
  return !areas.empty();
}

// A meeting's answer shows its cases' research and outcomes: each case is
// disclosed.
void Disclose(const Meeting& m, AuditRecord* audit) {
  if (audit == nullptr) return;
  audit->disclosed.clear();
  for (const MeetingCase& c : m.cases) audit->disclosed.push_back(c.referral_id);
}

}  // namespace

absl::StatusOr<ReferralKind> MeetingService::KindReached(
    const CallContext& ctx, ReferralKind asked, const std::string& field) {
  if (asked != ReferralKind::kUnspecified) return asked;
  std::vector<ReferralKind> reached;
  for (ReferralKind k : {ReferralKind::kMarac, ReferralKind::kChannel}) {
    std::optional<std::vector<std::string>> areas = AreasReached(k, ctx.scopes);
    if (!areas.has_value() || !areas->empty()) reached.push_back(k);
  }
  if (reached.size() > 1) {
    return InvalidArgumentWithViolations(
        {{field,
          "is required: the caller reaches meetings of more than one kind"}});
  }
  return reached.empty() ? ReferralKind::kUnspecified : reached[0];
}

absl::CivilDay MeetingService::Today() const {
  return absl::ToCivilDay(clock_.Now(), zone_);
}

absl::StatusOr<Meeting> MeetingService::LoadVisible(const CallContext& ctx,
                                                    const std::string& id,
                                                    RoleSet* roles) {
  absl::StatusOr<Meeting> m = meetings_.GetMeeting(id);
  if (absl::IsNotFound(m.status())) return MeetingNotFound();
  if (!m.ok()) return m.status();
  *roles = RolesReaching(m->kind, m->area, ctx.scopes);
  if (roles->empty()) return MeetingNotFound();
  return m;
}

absl::StatusOr<Meeting> MeetingService::Create(const CallContext& ctx,
                                               const std::string& request_id,
                                               const std::string& fingerprint,
                                               MeetingDraft draft) {
  SAFEGUARD_ASSIGN_OR_RETURN(AuditRecord* const audit, AuditOf(ctx));
  const absl::Time now = clock_.Now();
  FieldChecker c;
  CheckRequestId(c, request_id);
  if (!HasMeetings(draft.kind)) {
    c.Add("meeting.kind", "must be MARAC or CHANNEL");
  } else if (!ctx.roles.Intersects(OrganiserRoles(draft.kind))) {
    return NotAnOrganiser(draft.kind);
  }
  const std::vector<std::string> areas =
      ctx.partnership != nullptr ? ctx.partnership->areas
                                 : std::vector<std::string>();
  if (draft.area.empty()) {
    c.Add("meeting.area", "is required");
  } else if (!absl::c_linear_search(areas, draft.area)) {
    c.Add("meeting.area", "is not an area of the partnership");
  } else if (HasMeetings(draft.kind) &&
             !RolesReaching(draft.kind, draft.area, ctx.scopes)
                  .Intersects(OrganiserRoles(draft.kind))) {
    c.Add("meeting.area", "is not an area the caller runs meetings in");
  }
  if (draft.start_time == absl::InfinitePast()) {
    c.Add("meeting.start_time", "is required");
  } else if (draft.start_time < now) {
    c.Add("meeting.start_time", "must be in the future");
  } else if (draft.start_time > now + absl::Hours(24 * 366 * 2)) {
    c.Add("meeting.start_time", "must be within two years");
  }
  c.Text("meeting.chair", draft.chair, kMaxNameBytes, true);
  c.Text("meeting.venue", draft.venue, kMaxVenueBytes, true);
  c.List("meeting.agencies", draft.agencies.size(), kMaxMeetingAgencies);
  if (draft.agencies.size() <= kMaxMeetingAgencies && HasMeetings(draft.kind)) {
    const std::vector<std::string> represented =
        RepresentedAgencies(ctx, draft.kind, draft.area);
    for (size_t i = 0; i < draft.agencies.size(); ++i) {
      const std::string field = absl::StrCat("meeting.agencies[", i, "]");
      if (!absl::c_linear_search(represented, draft.agencies[i])) {
        c.Add(field, "has no representative for the area in the policy");
      } else if (std::find(draft.agencies.begin(),
                           draft.agencies.begin() + i,
                           draft.agencies[i]) != draft.agencies.begin() + i) {
        c.Add(field, "is listed twice");
      }
    }
    if (draft.agencies.empty()) draft.agencies = represented;
  }
  std::vector<FieldViolation> violations = c.Take();
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);

  Meeting m;
  m.id = ids_.NewId(now);
  m.kind = draft.kind;
  m.area = std::move(draft.area);
  m.start_time = draft.start_time;
  m.chair = std::move(draft.chair);
  m.venue = std::move(draft.venue);
  m.state = MeetingState::kScheduled;
  m.version = 1;
  m.agencies = std::move(draft.agencies);
  m.created_by = ctx.Name();
  m.create_time = now;
  m.update_time = now;
  const std::string key = absl::StrCat("meeting:", ctx.Name(), "/", request_id);
  Meeting result;
  SAFEGUARD_RETURN_IF_ERROR(
      units_.Write(*audit, [&](WriteTransaction& tx) -> absl::Status {
        SAFEGUARD_ASSIGN_OR_RETURN(std::optional<SubmissionRecord> seen,
                                   tx.FindSubmission(key));
        if (seen.has_value()) {
          if (seen->fingerprint != fingerprint) {
            return absl::AlreadyExistsError(
                "request_id was already used for a different meeting");
          }
          SAFEGUARD_ASSIGN_OR_RETURN(result, tx.GetMeeting(seen->referral_id));
          return absl::OkStatus();
        }
        SAFEGUARD_RETURN_IF_ERROR(tx.InsertMeeting(m));
        SAFEGUARD_RETURN_IF_ERROR(tx.RecordSubmission(key, {fingerprint, m.id}));
        result = m;
        return absl::OkStatus();
      }));
  return result;
}

absl::StatusOr<Meeting> MeetingService::Get(const CallContext& ctx,
                                            const std::string& id) {
  RoleSet roles;
  absl::StatusOr<Meeting> m = LoadVisible(ctx, id, &roles);
  if (m.ok()) Disclose(*m, ctx.audit);
  return m;
}

absl::StatusOr<MeetingPage> MeetingService::List(const CallContext& ctx,
                                                 MeetingQuery query) {
  SAFEGUARD_ASSIGN_OR_RETURN(query.kind, KindReached(ctx, query.kind, "kind"));
  if (!HasMeetings(query.kind)) return MeetingPage();
  if (!NarrowToReach(query.kind, ctx.scopes, query.areas)) {
    return MeetingPage();
  }
  SAFEGUARD_ASSIGN_OR_RETURN(MeetingPage page, meetings_.ListMeetings(query));
  if (ctx.audit != nullptr) {
    for (const Meeting& m : page.meetings) {
      for (const MeetingCase& c : m.cases) {
        ctx.audit->disclosed.push_back(c.referral_id);
      }
    }
  }
  return page;
}

absl::StatusOr<Meeting> MeetingService::ChangeMeeting(
    const CallContext& ctx, const std::string& id,
    absl::FunctionRef<absl::Status(Meeting&, RoleSet)> change) {
  SAFEGUARD_ASSIGN_OR_RETURN(AuditRecord* const audit, AuditOf(ctx));
  const absl::Time now = clock_.Now();
  Meeting result;
  absl::Status written =
      units_.Write(*audit, [&](WriteTransaction& tx) -> absl::Status {
        audit->disclosed.clear();
        absl::StatusOr<Meeting> m = tx.GetMeeting(id);
        if (absl::IsNotFound(m.status())) return MeetingNotFound();
        if (!m.ok()) return m.status();
        const RoleSet roles = RolesReaching(m->kind, m->area, ctx.scopes);
        if (roles.empty()) return MeetingNotFound();
        SAFEGUARD_RETURN_IF_ERROR(change(*m, roles));
        Disclose(*m, audit);
        const int64_t version = m->version;
        m->version = version + 1;
        m->update_time = now;
        SAFEGUARD_RETURN_IF_ERROR(tx.UpdateMeeting(*m, version));
        result = *std::move(m);
        return absl::OkStatus();
      });
  if (!written.ok()) {
    audit->disclosed.clear();  // nothing was shown
    return written;
  }
  return result;
}

absl::StatusOr<Meeting> MeetingService::Transition(const CallContext& ctx,
                                                   const std::string& id,
                                                   const std::string& action,
                                                   int64_t version) {
  return ChangeMeeting(ctx, id, [&](Meeting& m, RoleSet roles) {
    if (!roles.Intersects(OrganiserRoles(m.kind))) {
      return NotAnOrganiser(m.kind);
    }
    if (m.version != version) {
      return absl::AbortedError(absl::StrCat(
          "the meeting has changed (version ", m.version, ", not ", version,
          "); read it again and retry"));
    }
    if (m.state == MeetingState::kScheduled && action == "hold") {
      m.state = MeetingState::kHeld;
    } else if (m.state == MeetingState::kHeld && action == "close") {
      m.state = MeetingState::kClosed;
    } else {
      return absl::FailedPreconditionError(
          m.state == MeetingState::kScheduled ? "allowed: hold"
          : m.state == MeetingState::kHeld    ? "allowed: close"
                                              : "the meeting is closed");
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<Meeting> MeetingService::RecordAttendance(
    const CallContext& ctx, const std::string& id, Attendance attendance) {
  FieldChecker c;
  if (attendance.agency.empty()) c.Add("attendance.agency", "is required");
  c.Text("attendance.attendee", attendance.attendee, kMaxNameBytes, true);
  if (attendance.presence == Presence::kUnspecified) {
    c.Add("attendance.presence", "is required");
  }
  std::vector<FieldViolation> violations = c.Take();
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);
  const absl::Time now = clock_.Now();
  return ChangeMeeting(ctx, id, [&](Meeting& m, RoleSet roles) {
    if (!roles.Intersects(OrganiserRoles(m.kind))) {
      return NotAnOrganiser(m.kind);
    }
    if (m.state == MeetingState::kClosed) {
      return absl::FailedPreconditionError("the meeting is closed");
    }
    if (!absl::c_linear_search(m.agencies, attendance.agency)) {
      return InvalidArgumentWithViolations(
          {{"attendance.agency", "is not an agency represented at the meeting"}});
    }
    Attendance a = attendance;
    a.recorded_by = ctx.Name();
    a.record_time = now;
    for (Attendance& existing : m.attendance) {
      if (existing.agency == a.agency) {
        existing = std::move(a);
        return absl::OkStatus();
      }
    }
    m.attendance.push_back(std::move(a));
    return absl::OkStatus();
  });
}

absl::StatusOr<Meeting> MeetingService::RecordResearch(
    const CallContext& ctx, const std::string& id,
    const std::string& referral_id, const std::string& text) {
  FieldChecker c;
  c.Text("text", text, kMaxResearchBytes, true);
  std::vector<FieldViolation> violations = c.Take();
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);
  SAFEGUARD_ASSIGN_OR_RETURN(AuditRecord* const audit, AuditOf(ctx));
  const absl::Time now = clock_.Now();
  absl::StatusOr<Meeting> out =
      ChangeMeeting(ctx, id, [&](Meeting& m, RoleSet roles) {
        if (!roles.Intersects(RepresentativeRoles(m.kind))) {
          return absl::PermissionDeniedError(
              "only an agency's representative records its research");
        }
        if (!absl::c_linear_search(m.agencies, ctx.identity.agency)) {
          return absl::PermissionDeniedError(
              "the caller's agency is not represented at the meeting");
        }
        MeetingCase* listed = FindCase(m, referral_id);
        if (listed == nullptr) {
          return InvalidArgumentWithViolations(
              {{"referral", "is not a case listed to the meeting"}});
        }
        if (m.state != MeetingState::kScheduled) {
          return absl::FailedPreconditionError(
              "research is recorded before the meeting is held");
        }
        audit->referral_id = referral_id;
        Research r{ctx.identity.agency, ctx.Name(), text, now};
        Research* existing = nullptr;
        for (Research& e : listed->research) {
          if (e.agency == r.agency) existing = &e;
        }
        SAFEGUARD_RETURN_IF_ERROR(RoomFor(
            m, text.size(), existing != nullptr ? existing->text.size() : 0));
        if (existing != nullptr) {
          *existing = std::move(r);
        } else {
          listed->research.push_back(std::move(r));
        }
        return absl::OkStatus();
      });
  if (!out.ok()) audit->referral_id.clear();
  return out;
}

absl::StatusOr<Meeting> MeetingService::RecordOutcome(
    const CallContext& ctx, const std::string& id,
    const std::string& referral_id, const std::string& outcome) {
  FieldChecker c;
  c.Text("outcome", outcome, kMaxOutcomeBytes, true);
  std::vector<FieldViolation> violations = c.Take();
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);
  SAFEGUARD_ASSIGN_OR_RETURN(AuditRecord* const audit, AuditOf(ctx));
  absl::StatusOr<Meeting> out =
      ChangeMeeting(ctx, id, [&](Meeting& m, RoleSet roles) {
        if (!roles.Intersects(OrganiserRoles(m.kind))) {
          return NotAnOrganiser(m.kind);
        }
        if (m.state == MeetingState::kClosed) {
          return absl::FailedPreconditionError("the meeting is closed");
        }
        MeetingCase* listed = FindCase(m, referral_id);
        if (listed == nullptr) {
          return InvalidArgumentWithViolations(
              {{"referral", "is not a case listed to the meeting"}});
        }
        audit->referral_id = referral_id;
        SAFEGUARD_RETURN_IF_ERROR(
            RoomFor(m, outcome.size(), listed->outcome.size()));
        listed->outcome = outcome;
        return absl::OkStatus();
      });
  if (!out.ok()) audit->referral_id.clear();
  return out;
}

absl::StatusOr<Agenda> MeetingService::GetAgenda(const CallContext& ctx,
                                                 const std::string& id,
                                                 RoleSet* view_roles) {
  SAFEGUARD_ASSIGN_OR_RETURN(Meeting m, LoadVisible(ctx, id, view_roles));
  ActionQuery outstanding;
  outstanding.kind = m.kind;
  outstanding.areas = {m.area};
  outstanding.statuses = {ActionStatus::kOpen, ActionStatus::kNotDone};
  SAFEGUARD_ASSIGN_OR_RETURN(ActionPage review, AllActions(outstanding));
  ActionQuery own;
  own.meeting_id = m.id;
  SAFEGUARD_ASSIGN_OR_RETURN(ActionPage agreed, AllActions(own));

  std::map<std::string, Referral> referrals;
  auto load = [&](const std::string& referral_id) -> absl::Status {
    if (referrals.count(referral_id) != 0) return absl::OkStatus();
    absl::StatusOr<Referral> r = referrals_.Get(referral_id);
    if (absl::IsNotFound(r.status())) return absl::OkStatus();
    if (!r.ok()) return r.status();
    // Only the meeting's own kind and area: nothing else is its business.
    if (r->kind != m.kind || r->area != m.area) return absl::OkStatus();
    referrals.emplace(referral_id, *std::move(r));
    return absl::OkStatus();
  };
  for (const MeetingCase& c : m.cases) {
    SAFEGUARD_RETURN_IF_ERROR(load(c.referral_id));
  }
  for (const PlanAction& a : review.actions) {
    if (a.meeting_id != m.id) SAFEGUARD_RETURN_IF_ERROR(load(a.referral_id));
  }
  Agenda agenda = BuildAgenda(std::move(m), referrals, review.actions,
                              agreed.actions);
  if (ctx.audit != nullptr) {
    for (const AgendaItem& item : agenda.items) {
      ctx.audit->disclosed.push_back(item.referral.id);
    }
    ctx.audit->view = view_roles->ToString();
  }
  return agenda;
}

absl::StatusOr<ActionPage> MeetingService::AllActions(ActionQuery query) {
  ActionPage all;
  query.page_size = kAgendaActionPage;
  while (true) {
    SAFEGUARD_ASSIGN_OR_RETURN(ActionPage page, meetings_.ListActions(query));
    for (PlanAction& a : page.actions) all.actions.push_back(std::move(a));
    if (all.actions.size() > kMaxAgendaActions) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the agenda would review more than ", kMaxAgendaActions,
          " actions: close or review some first"));
    }
    if (!page.more || all.actions.empty()) return all;
    const PlanAction& last = all.actions.back();
    query.after = {last.due_date, last.id};
  }
}

absl::StatusOr<PlanAction> MeetingService::CreateAction(
    const CallContext& ctx, const std::string& meeting_id,
    const std::string& request_id, const std::string& fingerprint,
    ActionDraft draft) {
  SAFEGUARD_ASSIGN_OR_RETURN(AuditRecord* const audit, AuditOf(ctx));
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = absl::ToCivilDay(now, zone_);
  FieldChecker c;
  CheckRequestId(c, request_id);
  c.Text("action.description", draft.description, kMaxDescriptionBytes, true);
  if (draft.owner_agency.empty()) {
    c.Add("action.owner_agency", "is required");
  } else if (!IsValidAgencyName(draft.owner_agency)) {
    c.Add("action.owner_agency", "is not an agency's name");
  }
  c.Text("action.owner", draft.owner, kMaxNameBytes, true);
  const Date& due = draft.due_date;
  if (due.empty()) {
    c.Add("action.due_date", "is required");
  } else if (!IsValidDate(due) || due.day == 0) {
    c.Add("action.due_date", "is not a date");
  } else if (absl::CivilDay(due.year, due.month, due.day) < today) {
    c.Add("action.due_date", "is in the past");
  }
  if (draft.referral_id.empty()) c.Add("action.referral", "is required");
  std::vector<FieldViolation> violations = c.Take();
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);

  const std::string key = absl::StrCat("action:", ctx.Name(), "/", request_id);
  const std::string action_id = ids_.NewId(now);
  PlanAction result;
  absl::Status written =
      units_.Write(*audit, [&](WriteTransaction& tx) -> absl::Status {
        absl::StatusOr<Meeting> m = tx.GetMeeting(meeting_id);
        if (absl::IsNotFound(m.status())) return MeetingNotFound();
        if (!m.ok()) return m.status();
        const RoleSet roles = RolesReaching(m->kind, m->area, ctx.scopes);
        if (roles.empty()) return MeetingNotFound();
        if (!roles.Intersects(OrganiserRoles(m->kind))) {
          return NotAnOrganiser(m->kind);
        }
        SAFEGUARD_ASSIGN_OR_RETURN(std::optional<SubmissionRecord> seen,
                                   tx.FindSubmission(key));
        if (seen.has_value()) {
          if (seen->fingerprint != fingerprint) {
            return absl::AlreadyExistsError(
                "request_id was already used for a different action");
          }
          SAFEGUARD_ASSIGN_OR_RETURN(result, tx.GetAction(seen->referral_id));
          audit->referral_id = result.referral_id;
          return absl::OkStatus();
        }
        if (m->state == MeetingState::kClosed) {
          return absl::FailedPreconditionError("the meeting is closed");
        }
        if (FindCase(*m, draft.referral_id) == nullptr) {
          return InvalidArgumentWithViolations(
              {{"action.referral", "is not a case listed to the meeting"}});
        }
        PlanAction a;
        a.id = action_id;
        a.referral_id = draft.referral_id;
        a.meeting_id = m->id;
        a.kind = m->kind;
        a.area = m->area;
        a.description = draft.description;
        a.owner_agency = draft.owner_agency;
        a.owner = draft.owner;
        a.due_date = draft.due_date;
        a.status = ActionStatus::kOpen;
        a.version = 1;
        a.updated_by = ctx.Name();
        a.create_time = now;
        a.update_time = now;
        SAFEGUARD_RETURN_IF_ERROR(tx.InsertAction(a));
        SAFEGUARD_RETURN_IF_ERROR(tx.RecordSubmission(key, {fingerprint, a.id}));
        audit->referral_id = a.referral_id;
        result = std::move(a);
        return absl::OkStatus();
      });
  if (!written.ok()) {
    audit->referral_id.clear();
    return written;
  }
  return result;
}

absl::StatusOr<PlanAction> MeetingService::UpdateAction(
    const CallContext& ctx, const std::string& id, ActionStatus status,
    const std::string& reason, int64_t version) {
  FieldChecker c;
  if (status == ActionStatus::kUnspecified) c.Add("status", "is required");
  const bool needs_reason = status == ActionStatus::kNotPossible ||
                            status == ActionStatus::kNotDone;
  c.Text("status_reason", reason, kMaxReasonBytes, needs_reason);
  std::vector<FieldViolation> violations = c.Take();
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);
  SAFEGUARD_ASSIGN_OR_RETURN(AuditRecord* const audit, AuditOf(ctx));
  const absl::Time now = clock_.Now();
  PlanAction result;
  absl::Status written =
      units_.Write(*audit, [&](WriteTransaction& tx) -> absl::Status {
        absl::StatusOr<PlanAction> a = tx.GetAction(id);
        if (absl::IsNotFound(a.status())) return ActionNotFound();
        if (!a.ok()) return a.status();
        const RoleSet roles = RolesReaching(a->kind, a->area, ctx.scopes);
        if (roles.empty()) return ActionNotFound();
        audit->referral_id = a->referral_id;
        const bool organiser = roles.Intersects(OrganiserRoles(a->kind));
        const bool owner = roles.Intersects(RepresentativeRoles(a->kind)) &&
                           ctx.identity.agency == a->owner_agency;
        if (!organiser && !owner) {
          return absl::PermissionDeniedError(
              "only the agency that owns the action, or the meeting's "
              "organiser, updates it");
        }
        if (a->version != version) {
          return absl::AbortedError(absl::StrCat(
              "the action has changed (version ", a->version, ", not ",
              version, "); read it again and retry"));
        }
        a->status = status;
        a->status_reason = needs_reason ? reason : std::string();
        a->updated_by = ctx.Name();
        a->update_time = now;
        a->version = version + 1;
        SAFEGUARD_RETURN_IF_ERROR(tx.UpdateAction(*a, version));
        result = *std::move(a);
        return absl::OkStatus();
      });
  if (!written.ok()) {
    if (absl::IsNotFound(written)) audit->referral_id.clear();
    return written;
  }
  return result;
}

absl::StatusOr<ActionPage> MeetingService::ListActions(const CallContext& ctx,
                                                       ActionQuery query) {
  SAFEGUARD_ASSIGN_OR_RETURN(query.kind,
                             KindReached(ctx, query.kind, "filter.kind"));
  if (!HasMeetings(query.kind)) return ActionPage();
  if (!NarrowToReach(query.kind, ctx.scopes, query.areas)) {
    return ActionPage();
  }
  SAFEGUARD_ASSIGN_OR_RETURN(ActionPage page, meetings_.ListActions(query));
  if (ctx.audit != nullptr) {
    for (const PlanAction& a : page.actions) {
      if (!absl::c_linear_search(ctx.audit->disclosed, a.referral_id)) {
        ctx.audit->disclosed.push_back(a.referral_id);
      }
    }
  }
  return page;
}

}  // namespace safeguard
