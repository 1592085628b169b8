// File: server/rpc/meetings_rpc.h
//
// MeetingsRpc: the safeguard.v1.Meetings service for gRPC. Each handler
// hands its call to the API's method (server/api/meetings_api.h) through
// the gRPC adapter; nothing is decided here.
//
// Does not own `api`, which must outlive the gRPC server.
#ifndef SAFEGUARD_SERVER_RPC_MEETINGS_RPC_H_
#define SAFEGUARD_SERVER_RPC_MEETINGS_RPC_H_

#include "safeguard/v1/meetings.grpc.pb.h"
#include "server/api/api_methods.h"

namespace safeguard {

class MeetingsRpc final : public v1::Meetings::CallbackService {
 public:
  explicit MeetingsRpc(const ApiMethods& api) : api_(api) {}

#define SAFEGUARD_UNARY(Method, Request, Response)             \
  grpc::ServerUnaryReactor* Method(                            \
      grpc::CallbackServerContext* context,                    \
      const v1::Request* request, v1::Response* response) override;
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

 private:
  const ApiMethods& api_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_RPC_MEETINGS_RPC_H_
