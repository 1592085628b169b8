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
#include "server/core/audit_log.h"
#include "server/core/clock.h"
#include "server/core/referral_events.h"
#include "server/core/referral_service.h"
#include "server/policy/policy.h"
#include "server/rpc/call_gate.h"
#include "server/rpc/worker_pool.h"

namespace safeguard {

class ReferralsRpc final : public v1::Referrals::CallbackService {
 public:
  ReferralsRpc(ReferralService& service, ReferralEvents& events,
               AuditLog& audit, const PolicyHolder& policies,
               const Clock& clock, CallGate& gate, WorkerPool& pool,
               std::string trust_domain)
      : service_(service),
        events_(events),
        audit_(audit),
        policies_(policies),
        clock_(clock),
        gate_(gate),
        pool_(pool),
        trust_domain_(std::move(trust_domain)) {}

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

 private:
  template <typename Work>
  grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* context,
                                  const char* method,
                                  google::protobuf::Message* response,
                                  Work work);

  ReferralService& service_;
  ReferralEvents& events_;
  AuditLog& audit_;
  const PolicyHolder& policies_;
  const Clock& clock_;
  CallGate& gate_;
  WorkerPool& pool_;
  const std::string trust_domain_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_RPC_REFERRALS_RPC_H_
