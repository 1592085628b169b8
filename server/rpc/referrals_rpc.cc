#include "server/rpc/referrals_rpc.h"

#include "server/rpc/grpc_adapter.h"

namespace safeguard {

#define SAFEGUARD_UNARY(Method, Request, Response)                           \
  grpc::ServerUnaryReactor* ReferralsRpc::Method(                            \
      grpc::CallbackServerContext* context, const Request* request,          \
      Response* response) {                                                  \
    return ServeUnary(context, api_.Get("safeguard.v1.Referrals/" #Method),  \
                      *request, response);                                   \
  }

SAFEGUARD_UNARY(SubmitReferral, v1::SubmitReferralRequest, v1::Referral)
SAFEGUARD_UNARY(GetReferral, v1::GetReferralRequest, v1::Referral)
SAFEGUARD_UNARY(ListReferrals, v1::ListReferralsRequest,
                v1::ListReferralsResponse)
SAFEGUARD_UNARY(TransitionReferral, v1::TransitionReferralRequest, v1::Referral)
SAFEGUARD_UNARY(AssignReferral, v1::AssignReferralRequest, v1::Referral)
SAFEGUARD_UNARY(AddNote, v1::AddNoteRequest, v1::Referral)
SAFEGUARD_UNARY(UpdateReferral, v1::UpdateReferralRequest, v1::Referral)
SAFEGUARD_UNARY(LinkReferral, v1::LinkReferralRequest, v1::Referral)
SAFEGUARD_UNARY(UnlinkReferral, v1::UnlinkReferralRequest, v1::Referral)
#undef SAFEGUARD_UNARY

grpc::ServerWriteReactor<v1::ReferralEvent>* ReferralsRpc::WatchReferrals(
    grpc::CallbackServerContext* context,
    const v1::WatchReferralsRequest* request) {
  return ServeStream<v1::ReferralEvent>(
      context, api_.Get("safeguard.v1.Referrals/WatchReferrals"), *request);
}

}  // namespace safeguard
