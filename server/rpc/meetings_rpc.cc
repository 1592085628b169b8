#include "server/rpc/meetings_rpc.h"

#include "server/rpc/grpc_adapter.h"

namespace safeguard {

#define SAFEGUARD_UNARY(Method, Request, Response)                          \
  grpc::ServerUnaryReactor* MeetingsRpc::Method(                            \
      grpc::CallbackServerContext* context, const v1::Request* request,     \
      v1::Response* response) {                                             \
    return ServeUnary(context, api_.Get("safeguard.v1.Meetings/" #Method),  \
                      *request, response);                                  \
  }

SAFEGUARD_UNARY(CreateMeeting, CreateMeetingRequest, Meeting)
SAFEGUARD_UNARY(GetMeeting, GetMeetingRequest, Meeting)
SAFEGUARD_UNARY(ListMeetings, ListMeetingsRequest, ListMeetingsResponse)
SAFEGUARD_UNARY(TransitionMeeting, TransitionMeetingRequest, Meeting)
SAFEGUARD_UNARY(GetAgenda, GetAgendaRequest, Agenda)
SAFEGUARD_UNARY(RecordAttendance, RecordAttendanceRequest, Meeting)
SAFEGUARD_UNARY(RecordResearch, RecordResearchRequest, Meeting)
SAFEGUARD_UNARY(RecordOutcome, RecordOutcomeRequest, Meeting)
SAFEGUARD_UNARY(CreateAction, CreateActionRequest, Action)
SAFEGUARD_UNARY(UpdateAction, UpdateActionRequest, Action)
SAFEGUARD_UNARY(ListActions, ListActionsRequest, ListActionsResponse)
#undef SAFEGUARD_UNARY

}  // namespace safeguard
