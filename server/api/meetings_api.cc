#include "server/api/meetings_api.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/api/page_token.h"
#include "server/api/resource_names.h"
#include "server/common/deterministic_bytes.h"
#include "server/common/proto_time.h"
#include "server/common/sha256.h"
#include "server/convert/meeting_convert.h"
#include "server/convert/referral_convert.h"
#include "server/core/field_violations.h"
#include "server/core/minutes.h"

namespace safeguard {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 100;

absl::StatusOr<std::string> MeetingId(const std::string& name) {
  return IdFromName(name, "meetings", "name");
}

// The page size asked for, or a violation.
int PageSize(int32_t asked, std::vector<FieldViolation>& bad) {
  if (asked < 0 || asked > kMaxPageSize) {
    bad.push_back({"page_size", absl::StrCat("must be 0 to ", kMaxPageSize)});
  }
  return asked == 0 ? kDefaultPageSize : asked;
}

// The token's position: (time or day, id), for this query and caller only.
std::optional<QueueCursor> After(const std::string& token,
                                 const std::string& fingerprint,
                                 std::vector<FieldViolation>& bad) {
  if (token.empty()) return std::nullopt;
  absl::StatusOr<QueueCursor> after =
      DecodePageToken(token, QueueOrder::kByDeadline, fingerprint);
  if (after.ok()) return *after;
  for (FieldViolation& v : FieldViolations(after.status())) {
    bad.push_back(std::move(v));
  }
  return std::nullopt;
}

template <typename Request>
std::string QueryFingerprint(const ResolvedCall& call, Request shape) {
  shape.clear_page_token();
  shape.clear_page_size();
  return absl::StrCat(call.context.Name(), "\n", DeterministicBytes(shape));
}

// The answer of a method that returns the meeting.
absl::Status Answer(const absl::StatusOr<Meeting>& m, v1::Meeting* out) {
  if (!m.ok()) return m.status();
  ToProto(*m, out);
  return absl::OkStatus();
}

// A meeting and one of its cases, by their names.
struct CaseIds {
  std::string meeting;
  std::string referral;
};
absl::StatusOr<CaseIds> ParseCase(const std::string& meeting,
                                  const std::string& referral) {
  absl::StatusOr<std::string> m = MeetingId(meeting);
  if (!m.ok()) return m.status();
  absl::StatusOr<std::string> r = IdFromName(referral, "referrals", "referral");
  if (!r.ok()) return r.status();
  return CaseIds{*std::move(m), *std::move(r)};
}


}  // namespace

std::vector<ApiMethod> MeetingsApi::Methods() {
  const google::protobuf::ServiceDescriptor& service =
      *v1::CreateMeetingRequest::descriptor()->file()->FindServiceByName(
          "Meetings");
  return {
      MakeMemberUnary(gate_, service, "CreateMeeting", this,
                      &MeetingsApi::Create),
      MakeMemberUnary(gate_, service, "GetMeeting", this, &MeetingsApi::Get),
      MakeMemberUnary(gate_, service, "ListMeetings", this, &MeetingsApi::List),
      MakeMemberUnary(gate_, service, "TransitionMeeting", this,
                      &MeetingsApi::Transition),
      MakeMemberUnary(gate_, service, "GetAgenda", this,
                      &MeetingsApi::GetAgenda),
      MakeMemberUnary(gate_, service, "RecordAttendance", this,
                      &MeetingsApi::RecordAttendance),
      MakeMemberUnary(gate_, service, "RecordResearch", this,
                      &MeetingsApi::RecordResearch),
      MakeMemberUnary(gate_, service, "RecordOutcome", this,
                      &MeetingsApi::RecordOutcome),
      MakeMemberUnary(gate_, service, "CreateAction", this,
                      &MeetingsApi::CreateAction),
      MakeMemberUnary(gate_, service, "UpdateAction", this,
                      &MeetingsApi::UpdateAction),
      MakeMemberUnary(gate_, service, "ListActions", this,
                      &MeetingsApi::ListActions),
  };
}

absl::Status MeetingsApi::Create(ResolvedCall& call, AuditRecord&,
                                 const v1::CreateMeetingRequest& request,
                                 v1::Meeting* response) {
  return Answer(service_.Create(call.context, request.request_id(),
                                Sha256Hex(DeterministicBytes(request.meeting())),
                                DraftFromProto(request.meeting())),
                response);
}

absl::Status MeetingsApi::Get(ResolvedCall& call, AuditRecord&,
                              const v1::GetMeetingRequest& request,
                              v1::Meeting* response) {
  absl::StatusOr<std::string> id = MeetingId(request.name());
  if (!id.ok()) return id.status();
  return Answer(service_.Get(call.context, *id), response);
}

absl::Status MeetingsApi::List(ResolvedCall& call, AuditRecord&,
                               const v1::ListMeetingsRequest& request,
                               v1::ListMeetingsResponse* response) {
  std::vector<FieldViolation> bad;
  MeetingQuery q;
  q.page_size = PageSize(request.page_size(), bad);
  if (request.kind() != v1::REFERRAL_KIND_UNSPECIFIED &&
      request.kind() != v1::MARAC && request.kind() != v1::CHANNEL) {
    bad.push_back({"kind", "must be MARAC or CHANNEL"});
  }
  q.kind = static_cast<ReferralKind>(request.kind());
  if (!request.area().empty()) q.areas = {request.area()};
  if (request.has_from_time()) q.from = FromTimestamp(request.from_time());
  const std::string fingerprint = QueryFingerprint(call, request);
  if (std::optional<QueueCursor> after =
          After(request.page_token(), fingerprint, bad)) {
    q.after = {absl::FromUnixMicros(after->deadline_us), after->id};
  }
  if (!bad.empty()) return InvalidArgumentWithViolations(bad);
  absl::StatusOr<MeetingPage> page = service_.List(call.context, q);
  if (!page.ok()) return page.status();
  for (const Meeting& m : page->meetings) ToProto(m, response->add_meetings());
  if (page->more && !page->meetings.empty()) {
    const Meeting& last = page->meetings.back();
    response->set_next_page_token(EncodePageToken(
        {0, absl::ToUnixMicros(last.start_time), last.id},
        QueueOrder::kByDeadline, fingerprint));
  }
  return absl::OkStatus();
}

absl::Status MeetingsApi::Transition(ResolvedCall& call, AuditRecord&,
                                     const v1::TransitionMeetingRequest& request,
                                     v1::Meeting* response) {
  absl::StatusOr<std::string> id = MeetingId(request.name());
  if (!id.ok()) return id.status();
  return Answer(service_.Transition(call.context, *id, request.action(),
                                    request.version()),
                response);
}

absl::Status MeetingsApi::GetAgenda(ResolvedCall& call, AuditRecord&,
                                    const v1::GetAgendaRequest& request,
                                    v1::Agenda* response) {
  absl::StatusOr<std::string> id = MeetingId(request.name());
  if (!id.ok()) return id.status();
  RoleSet roles;
  absl::StatusOr<Agenda> agenda = service_.GetAgenda(call.context, *id, &roles);
  if (!agenda.ok()) return agenda.status();
  ToProtoWithoutReferrals(*agenda, service_.Today(), response);
  if (agenda->meeting.state != MeetingState::kScheduled) {
    response->set_minutes(RenderMinutes(*agenda, service_.zone()));
  }
  for (size_t i = 0; i < agenda->items.size(); ++i) {
    const Referral& r = agenda->items[i].referral;
    v1::Referral* out = response->mutable_items(static_cast<int>(i))
                            ->mutable_referral();
    ToProto(r, out);
    ApplyReferralFieldView(call.policy->View(roles, r.kind), out);
  }
  return absl::OkStatus();
}

absl::Status MeetingsApi::RecordAttendance(
    ResolvedCall& call, AuditRecord&, const v1::RecordAttendanceRequest& request,
    v1::Meeting* response) {
  absl::StatusOr<std::string> id = MeetingId(request.name());
  if (!id.ok()) return id.status();
  return Answer(service_.RecordAttendance(call.context, *id,
                                          FromProto(request.attendance())),
                response);
}

absl::Status MeetingsApi::RecordResearch(
    ResolvedCall& call, AuditRecord&, const v1::RecordResearchRequest& request,
    v1::Meeting* response) {
  absl::StatusOr<CaseIds> at = ParseCase(request.name(), request.referral());
  if (!at.ok()) return at.status();
  return Answer(service_.RecordResearch(call.context, at->meeting,
                                        at->referral, request.text()),
                response);
}

absl::Status MeetingsApi::RecordOutcome(ResolvedCall& call, AuditRecord&,
                                        const v1::RecordOutcomeRequest& request,
                                        v1::Meeting* response) {
  absl::StatusOr<CaseIds> at = ParseCase(request.name(), request.referral());
  if (!at.ok()) return at.status();
  return Answer(service_.RecordOutcome(call.context, at->meeting,
                                       at->referral, request.outcome()),
                response);
}

absl::Status MeetingsApi::CreateAction(ResolvedCall& call, AuditRecord&,
                                       const v1::CreateActionRequest& request,
                                       v1::Action* response) {
  absl::StatusOr<std::string> id = MeetingId(request.name());
  if (!id.ok()) return id.status();
  std::string referral_id;
  if (!request.action().referral().empty()) {
    absl::StatusOr<std::string> referral = IdFromName(
        request.action().referral(), "referrals", "action.referral");
    if (!referral.ok()) return referral.status();
    referral_id = *std::move(referral);
  }
  absl::StatusOr<PlanAction> a = service_.CreateAction(
      call.context, *id, request.request_id(),
      Sha256Hex(DeterministicBytes(request.action())),
      DraftFromProto(request.action(), std::move(referral_id)));
  if (!a.ok()) return a.status();
  ToProto(*a, service_.Today(), response);
  return absl::OkStatus();
}

absl::Status MeetingsApi::UpdateAction(ResolvedCall& call, AuditRecord&,
                                       const v1::UpdateActionRequest& request,
                                       v1::Action* response) {
  absl::StatusOr<std::string> id =
      IdFromName(request.name(), "actions", "name");
  if (!id.ok()) return id.status();
  absl::StatusOr<PlanAction> a = service_.UpdateAction(
      call.context, *id, FromProto(request.status()), request.status_reason(),
      request.version());
  if (!a.ok()) return a.status();
  ToProto(*a, service_.Today(), response);
  return absl::OkStatus();
}

absl::Status MeetingsApi::ListActions(ResolvedCall& call, AuditRecord&,
                                      const v1::ListActionsRequest& request,
                                      v1::ListActionsResponse* response) {
  std::vector<FieldViolation> bad;
  const v1::ActionFilter& f = request.filter();
  ActionQuery q;
  q.page_size = PageSize(request.page_size(), bad);
  if (f.kind() != v1::REFERRAL_KIND_UNSPECIFIED && f.kind() != v1::MARAC &&
      f.kind() != v1::CHANNEL) {
    bad.push_back({"filter.kind", "must be MARAC or CHANNEL"});
  }
  q.kind = static_cast<ReferralKind>(f.kind());
  if (!f.area().empty()) q.areas = {f.area()};
  if (!f.owner_agency().empty()) {
    if (!IsValidAgencyName(f.owner_agency())) {
      bad.push_back({"filter.owner_agency", "is not an agency's name"});
    }
    q.owner_agency = f.owner_agency();
  }
  for (const auto& [value, collection, field, out] :
       {std::tuple<const std::string&, const char*, const char*, std::string*>{
            f.meeting(), "meetings", "filter.meeting", &q.meeting_id},
        {f.referral(), "referrals", "filter.referral", &q.referral_id}}) {
    if (value.empty()) continue;
    absl::StatusOr<std::string> parsed = IdFromName(value, collection, field);
    if (!parsed.ok()) {
      for (FieldViolation& v : FieldViolations(parsed.status())) {
        bad.push_back(std::move(v));
      }
      continue;
    }
    *out = *std::move(parsed);
  }
  if (f.overdue_only()) {
    q.statuses = {ActionStatus::kOpen};
    const absl::CivilDay today = service_.Today();
    q.due_before = Date{static_cast<int>(today.year()), today.month(),
                        today.day()};
  } else if (f.outstanding_only()) {
    q.statuses = {ActionStatus::kOpen, ActionStatus::kNotDone};
  }
  const std::string fingerprint = QueryFingerprint(call, request);
  if (std::optional<QueueCursor> after =
          After(request.page_token(), fingerprint, bad)) {
    q.after = {DateOfDayNumber(after->deadline_us), after->id};
  }
  if (!bad.empty()) return InvalidArgumentWithViolations(bad);
  absl::StatusOr<ActionPage> page = service_.ListActions(call.context, q);
  if (!page.ok()) return page.status();
  const absl::CivilDay today = service_.Today();
  for (const PlanAction& a : page->actions) {
    ToProto(a, today, response->add_actions());
  }
  if (page->more && !page->actions.empty()) {
    const PlanAction& last = page->actions.back();
    response->set_next_page_token(
        EncodePageToken({0, DayNumber(last.due_date), last.id},
                        QueueOrder::kByDeadline, fingerprint));
  }
  return absl::OkStatus();
}

}  // namespace safeguard
