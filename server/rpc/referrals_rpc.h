// File: server/rpc/referrals_rpc.h
//
// ReferralsRpc: the safeguard.v1.Referrals adapter. Each unary handler
// resolves the caller (identity, policy decision, scopes), converts the
// request, hands the domain call to the WorkerPool, converts the result
// through the caller's field view (every field the policy does not show the
// caller's roles is removed), writes the call's audit entry (or lets the
// store commit it with the change), and finishes. WatchReferrals streams
// changes to the referrals the caller may see, through the same field view.
//
// Does not own its collaborators; all must outlive the gRPC server.
#ifndef SAFEGUARD_SERVER_RPC_REFERRALS_RPC_H_
#define SAFEGUARD_SERVER_RPC_REFERRALS_RPC_H_

#include <string>

#include "safeguard/v1/referrals.grpc.pb.h"
#include "server/core/referral_events.h"
#include "server/core/referral_service.h"
#include "server/rpc/call_runner.h"
#include "server/rpc/watch_reactor.h"
#include "server/rpc/watch_registry.h"
#include "server/rpc/watch_views.h"

namespace safeguard {

class ReferralsRpc final : public v1::Referrals::CallbackService {
 public:
  ReferralsRpc(ReferralService& service, ReferralEvents& events,
               CallRunner& runner)
      : service_(service), events_(events), runner_(runner) {}

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
  grpc::ServerWriteReactor<v1::ReferralEvent>* WatchReferrals(
      grpc::CallbackServerContext* context,
      const v1::WatchReferralsRequest* request) override;

  // Ends the open watches that `policy` would decide differently; returns
  // how many.
  int RecheckWatches(const CompiledPolicy& policy) {
    return watches_.Recheck(policy);
  }
  // Ends every open watch: the server is stopping.
  void EndWatches() {
    watches_.EndAll(absl::UnavailableError("the server is shutting down"));
  }

 private:
  ReferralService& service_;
  ReferralEvents& events_;
  WatchViews watch_views_;
  WatchRegistry watches_;
  CallRunner& runner_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_RPC_REFERRALS_RPC_H_
