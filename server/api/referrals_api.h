// File: server/api/referrals_api.h
//
// ReferralsApi: the safeguard.v1.Referrals methods, whatever the transport.
// Each body converts the request, makes the domain call, and converts the
// result through the caller's field view (every field the policy does not
// show the caller's roles is removed), filling in what the call's audit
// record discloses. WatchReferrals streams changes to the referrals the
// caller may see, through the same field view (WatchSession).
//
// Does not own its collaborators; all must outlive it. Thread-safe.
#ifndef SAFEGUARD_SERVER_API_REFERRALS_API_H_
#define SAFEGUARD_SERVER_API_REFERRALS_API_H_

#include <vector>

#include "safeguard/v1/referrals.pb.h"
#include "server/access/access_gate.h"
#include "server/api/api_method.h"
#include "server/api/watch_registry.h"
#include "server/api/watch_views.h"
#include "server/core/referral_events.h"
#include "server/core/referral_service.h"

namespace safeguard {

class ReferralsApi {
 public:
  ReferralsApi(ReferralService& service, ReferralEvents& events,
               AccessGate& gate)
      : service_(service), events_(events), gate_(gate) {}

  // One per method of safeguard.v1.Referrals.
  std::vector<ApiMethod> Methods();

  absl::Status Submit(ResolvedCall& call, AuditRecord& audit,
                      const v1::SubmitReferralRequest& request,
                      v1::Referral* response);
  absl::Status Get(ResolvedCall& call, AuditRecord& audit,
                   const v1::GetReferralRequest& request,
                   v1::Referral* response);
  absl::Status List(ResolvedCall& call, AuditRecord& audit,
                    const v1::ListReferralsRequest& request,
                    v1::ListReferralsResponse* response);
  absl::Status Transition(ResolvedCall& call, AuditRecord& audit,
                          const v1::TransitionReferralRequest& request,
                          v1::Referral* response);
  absl::Status Assign(ResolvedCall& call, AuditRecord& audit,
                      const v1::AssignReferralRequest& request,
                      v1::Referral* response);
  absl::Status AddNote(ResolvedCall& call, AuditRecord& audit,
                       const v1::AddNoteRequest& request,
                       v1::Referral* response);
  absl::Status Update(ResolvedCall& call, AuditRecord& audit,
                      const v1::UpdateReferralRequest& request,
                      v1::Referral* response);
  absl::Status Link(ResolvedCall& call, AuditRecord& audit,
                    const v1::LinkReferralRequest& request,
                    v1::Referral* response);
  absl::Status Unlink(ResolvedCall& call, AuditRecord& audit,
                      const v1::UnlinkReferralRequest& request,
                      v1::Referral* response);

  // Ends the open watches that `policy` would decide differently; returns
  // how many.
  int RecheckWatches(const CompiledPolicy& policy) {
    return watches_.Recheck(policy);
  }
  // Ends every open watch: the server is stopping.
  // New watches of the callers `refuse` picks are refused (revoked).
  void set_watch_refusal(std::function<bool(const CallerIdentity&)> refuse) {
    watches_.set_refusal(std::move(refuse));
  }
  // Ends the open watches of the callers `caller` picks (a certificate
  // revoked); their clients get UNAVAILABLE. Returns how many ended.
  int EndWatchesOf(const std::function<bool(const CallerIdentity&)>& caller) {
    return watches_.EndWhere(
        caller, absl::UnavailableError("the caller's certificate was revoked"));
  }
  // Watches open now.
  int open_watches() const { return watches_.open(); }
  void EndWatches() {
    watches_.EndAll(absl::UnavailableError("the server is shutting down"));
  }

 private:
  ReferralService& service_;
  ReferralEvents& events_;
  AccessGate& gate_;
  WatchViews watch_views_;
  WatchRegistry watches_;
};

// The filter's problems, shared by ListReferrals and WatchReferrals: values
// out of range, too long, or on a field some referral the caller may see
// hides from it (filtering by it would disclose it).
void CheckFilter(const v1::ReferralFilter& filter, const ResolvedCall& call,
                 std::vector<FieldViolation>* bad);

// Removes from `r` what `view` leaves out (REFERRAL_VIEW_BASIC: all but the
// queue's fields). Applied after the field view, it only removes.
void ApplyReferralView(v1::ReferralView view, v1::Referral* r);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_API_REFERRALS_API_H_
