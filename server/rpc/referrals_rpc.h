// File: server/rpc/referrals_rpc.h
//
// ReferralsRpc: the safeguard.v1.Referrals service for gRPC. Each handler
// hands its call to the API's method (server/api/referrals_api.h) through
// the gRPC adapter; nothing is decided here.
//
// Does not own `api`, which must outlive the gRPC server.
#ifndef SAFEGUARD_SERVER_RPC_REFERRALS_RPC_H_
#define SAFEGUARD_SERVER_RPC_REFERRALS_RPC_H_

#include "safeguard/v1/referrals.grpc.pb.h"
#include "server/api/api_methods.h"

namespace safeguard {

class ReferralsRpc final : public v1::Referrals::CallbackService {
 public:
  explicit ReferralsRpc(const ApiMethods& api) : api_(api) {}

  grpc::ServerUnaryReactor* SubmitReferral(
      grpc::CallbackServerContext* context,
      const v1::SubmitReferralRequest* request,
      v1::Referral* response) override;
  grpc::ServerUnaryReactor* GetReferral(grpc::CallbackServerContext* context,
                                        const v1::GetReferralRequest* request,
                                        v1::Referral* response) override;
  grpc::ServerUnaryReactor* ListReferrals(
      grpc::CallbackServerContext* context,
      const v1::ListReferralsRequest* request,
      v1::ListReferralsResponse* response) override;
  grpc::ServerUnaryReactor* TransitionReferral(
      grpc::CallbackServerContext* context,
      const v1::TransitionReferralRequest* request,
      v1::Referral* response) override;
  grpc::ServerUnaryReactor* AssignReferral(
      grpc::CallbackServerContext* context,
      const v1::AssignReferralRequest* request,
      v1::Referral* response) override;
  grpc::ServerUnaryReactor* AddNote(grpc::CallbackServerContext* context,
                                    const v1::AddNoteRequest* request,
                                    v1::Referral* response) override;
  grpc::ServerUnaryReactor* UpdateReferral(
      grpc::CallbackServerContext* context,
      const v1::UpdateReferralRequest* request,
      v1::Referral* response) override;
  grpc::ServerUnaryReactor* LinkReferral(
      grpc::CallbackServerContext* context,
      const v1::LinkReferralRequest* request,
      v1::Referral* response) override;
  grpc::ServerUnaryReactor* UnlinkReferral(
      grpc::CallbackServerContext* context,
      const v1::UnlinkReferralRequest* request,
      v1::Referral* response) override;
  grpc::ServerWriteReactor<v1::ReferralEvent>* WatchReferrals(
      grpc::CallbackServerContext* context,
      const v1::WatchReferralsRequest* request) override;

 private:
  const ApiMethods& api_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_RPC_REFERRALS_RPC_H_
