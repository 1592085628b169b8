// File: server/api/referral_options.h
//
// SetCallerOptions(): the output-only fields of a safeguard.v1.Referral
// that describe what the caller may do with it now, not the person:
// available_actions (the workflow actions the caller's roles may take from
// its state) and assignable. Set after the field view is applied, which
// would otherwise remove them, and only on answers about one referral.
//
// The caller acts in the roles the policy's TransitionReferral (and
// AssignReferral) rules give it on this referral, exactly as those calls
// would decide: a caller the policy does not let call the method, or whose
// scopes for it do not reach the referral, gets no options.
//
// Pure function of its arguments; thread-safe.
#ifndef SAFEGUARD_SERVER_API_REFERRAL_OPTIONS_H_
#define SAFEGUARD_SERVER_API_REFERRAL_OPTIONS_H_

#include "safeguard/v1/referral.pb.h"
#include "server/access/access_gate.h"
#include "server/core/referral.h"

namespace safeguard {

// Sets out->available_actions and out->assignable for `call`'s caller,
// replacing whatever they held.
void SetCallerOptions(const Referral& referral, const ResolvedCall& call,
                      v1::Referral* out);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_API_REFERRAL_OPTIONS_H_
