// File: server/api/people_api.h
//
// PeopleApi: the safeguard.v1.People methods, whatever the transport. Each
// body checks the request, makes the PersonService call and converts the
// result. A mention's referral, and what it says of the person, is shown
// only when the caller may read that referral (its GetReferral decision,
// the scopes the referral is seen through) and the field view of those
// roles shows the person's field; of the others only the envelope (kind,
// agency, state, date, as whom). The records and the referrals an answer
// names are in the call's audit record; a search's reason too.
//
// Does not own its collaborators; all must outlive it. Thread-safe.
#ifndef SAFEGUARD_SERVER_API_PEOPLE_API_H_
#define SAFEGUARD_SERVER_API_PEOPLE_API_H_

#include <vector>

#include "safeguard/v1/people.pb.h"
#include "server/access/access_gate.h"
#include "server/api/api_method.h"
#include "server/core/person_service.h"

namespace safeguard {

class PeopleApi {
 public:
  PeopleApi(PersonService& service, AccessGate& gate)
      : service_(service), gate_(gate) {}

  // One per method of safeguard.v1.People.
  std::vector<ApiMethod> Methods();

  // The methods' bodies, as Methods() runs them once a call is admitted.
  absl::Status Search(ResolvedCall& call, AuditRecord& audit,
                      const v1::SearchPeopleRequest& request,
                      v1::SearchPeopleResponse* response);
  absl::Status Get(ResolvedCall& call, AuditRecord& audit,
                   const v1::GetPersonRequest& request,
                   v1::PersonRecord* response);
  absl::Status Merge(ResolvedCall& call, AuditRecord& audit,
                     const v1::MergePeopleRequest& request,
                     v1::PersonRecord* response);
  absl::Status Unmerge(ResolvedCall& call, AuditRecord& audit,
                       const v1::UnmergePersonRequest& request,
                       v1::PersonRecord* response);
  absl::Status Reject(ResolvedCall& call, AuditRecord& audit,
                      const v1::RejectMatchRequest& request,
                      v1::PersonRecord* response);

 private:
  PersonService& service_;
  AccessGate& gate_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_API_PEOPLE_API_H_
