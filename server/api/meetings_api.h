// File: server/api/meetings_api.h
//
// MeetingsApi: the safeguard.v1.Meetings methods, whatever the transport.
// Each body parses the request's names, makes the MeetingService call and
// converts the result; an agenda's referrals go out through the field
// views of the roles the caller reaches the meeting in, and every referral
// an answer shows is named in the call's audit record (so it lands in that
// referral's access log).
//
// Does not own its collaborators; all must outlive it. Thread-safe.
#ifndef SAFEGUARD_SERVER_API_MEETINGS_API_H_
#define SAFEGUARD_SERVER_API_MEETINGS_API_H_

#include <vector>

#include "safeguard/v1/meetings.pb.h"
#include "server/access/access_gate.h"
#include "server/api/api_method.h"
#include "server/core/meeting_service.h"

namespace safeguard {

class MeetingsApi {
 public:
  MeetingsApi(MeetingService& service, AccessGate& gate)
      : service_(service), gate_(gate) {}

  // One per method of safeguard.v1.Meetings.
  std::vector<ApiMethod> Methods();

 private:
  absl::Status Create(ResolvedCall& call, AuditRecord& audit,
                      const v1::CreateMeetingRequest& request,
                      v1::Meeting* response);
  absl::Status Get(ResolvedCall& call, AuditRecord& audit,
                   const v1::GetMeetingRequest& request, v1::Meeting* response);
  absl::Status List(ResolvedCall& call, AuditRecord& audit,
                    const v1::ListMeetingsRequest& request,
                    v1::ListMeetingsResponse* response);
  absl::Status Transition(ResolvedCall& call, AuditRecord& audit,
                          const v1::TransitionMeetingRequest& request,
                          v1::Meeting* response);
  absl::Status GetAgenda(ResolvedCall& call, AuditRecord& audit,
                         const v1::GetAgendaRequest& request,
                         v1::Agenda* response);
  absl::Status RecordAttendance(ResolvedCall& call, AuditRecord& audit,
                                const v1::RecordAttendanceRequest& request,
                                v1::Meeting* response);
  absl::Status RecordResearch(ResolvedCall& call, AuditRecord& audit,
                              const v1::RecordResearchRequest& request,
                              v1::Meeting* response);
  absl::Status RecordOutcome(ResolvedCall& call, AuditRecord& audit,
                             const v1::RecordOutcomeRequest& request,
                             v1::Meeting* response);
  absl::Status CreateAction(ResolvedCall& call, AuditRecord& audit,
                            const v1::CreateActionRequest& request,
                            v1::Action* response);
  absl::Status UpdateAction(ResolvedCall& call, AuditRecord& audit,
                            const v1::UpdateActionRequest& request,
                            v1::Action* response);
  absl::Status ListActions(ResolvedCall& call, AuditRecord& audit,
                           const v1::ListActionsRequest& request,
                           v1::ListActionsResponse* response);

  MeetingService& service_;
  AccessGate& gate_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_API_MEETINGS_API_H_
