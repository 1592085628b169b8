// File: server/convert/referral_convert.h
//
// Conversions between the referral domain model (server/core/referral.h)
// and safeguard.v1.Referral, for the API (the store keeps its own format,
// server/storage/stored_referral.h). Enum values outside the known range
// become the UNSPECIFIED value, which validation then refuses.
//
// Stateless functions; thread-safe.
#ifndef SAFEGUARD_SERVER_CONVERT_REFERRAL_CONVERT_H_
#define SAFEGUARD_SERVER_CONVERT_REFERRAL_CONVERT_H_

#include "absl/time/time.h"
#include "safeguard/v1/referral.pb.h"
#include "safeguard/v1/referrals.pb.h"
#include "server/common/proto_time.h"
#include "server/core/person_index.h"
#include "server/core/referral.h"
#include "server/core/workflow.h"

namespace safeguard {

void ToProto(const Referral& in, v1::Referral* out);
Referral FromProto(const v1::Referral& in);

void ToProto(const ScaDecision& in, v1::ScaDecision* out);
ScaDecision FromProto(const v1::ScaDecision& in);
void ToProto(const VafAssessment& in, v1::VafAssessment* out);
VafAssessment FromProto(const v1::VafAssessment& in);
void ToProto(const ConsentRecord& in, v1::ConsentRecord* out);
ConsentRecord FromProto(const v1::ConsentRecord& in);
void ToProto(const ExternalReference& in, v1::ExternalReference* out);
ExternalReference FromProto(const v1::ExternalReference& in);
Date FromProto(const v1::Date& in);
void ToProto(const Date& in, v1::Date* out);

SecurityMeasure FromProto(v1::SecurityMeasure in);
// kUnspecified for a number this build does not name.
LinkType FromProto(v1::LinkType in);

void ToProto(const KnownElsewhere& in, v1::KnownElsewhere* out);

// The reason and details a TransitionReferralRequest carries for its action.
TransitionDetails DetailsFromProto(const v1::TransitionReferralRequest& request);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CONVERT_REFERRAL_CONVERT_H_
