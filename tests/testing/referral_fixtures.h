// File: tests/testing/referral_fixtures.h
//
// Valid safeguard.v1.Referral submissions of each kind, with made-up people
// (no real personal data), for integration tests, and a client for each
// identity of the shipped policy. Not thread-safe.
#ifndef SAFEGUARD_TESTS_TESTING_REFERRAL_FIXTURES_H_
#define SAFEGUARD_TESTS_TESTING_REFERRAL_FIXTURES_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "grpcpp/grpcpp.h"
#include "safeguard/v1/audit.grpc.pb.h"
#include "safeguard/v1/people.grpc.pb.h"
#include "safeguard/v1/referrals.grpc.pb.h"
#include "safeguard/v1/reports.grpc.pb.h"
#include "server/core/field_violations.h"
#include "tests/testing/test_pki.h"

namespace safeguard::testing {

v1::Referral NrmSubmission(const std::string& area = "west-suffolk");
v1::Referral ChannelSubmission(const std::string& area = "west-suffolk");
// `yes_answers` of the 24 DASH answers are YES, the rest NO.
v1::Referral MaracSubmission(int yes_answers,
                             const std::string& victim = "Alex Example",
                             const std::string& area = "babergh");
v1::Referral TargetHardeningSubmission(const std::string& area = "west-suffolk");
// A target hardening submission with 10 subjects of 6 overlong fields each:
// 60 field violations, more than an error lists.
v1::Referral SixtyBadFieldsSubmission();

// gRPC stubs for identities, each with its own certificate and channel.
class Callers {
 public:
  Callers(TestPki& pki, int port) : pki_(pki), port_(port) {}

  // "agency/system|person/name"
  v1::Referrals::Stub& As(const std::string& who);
  v1::People::Stub& People(const std::string& who);
  v1::Reports::Stub& Reports(const std::string& who);

  // The calls tests make most, as `who`. Transition and Assign send the
  // version of `r` and, when they succeed, replace `r` with the answer.
  grpc::Status Submit(const std::string& who, const std::string& request_id,
                      const v1::Referral& referral, v1::Referral* out);
  grpc::Status Get(const std::string& who, const std::string& name,
                   v1::Referral* out);
  grpc::Status Transition(const std::string& who, v1::Referral& r,
                          const std::string& action,
                          v1::TransitionReferralRequest request = {});
  grpc::Status Assign(const std::string& who, v1::Referral& r,
                      const std::string& assignee);
  // The audit entries of the call with this x-request-id, as the auditor
  // lists them (the first 1000 entries).
  std::vector<v1::AuditEntry> AuditEntriesFor(const std::string& request_id);

 private:
  TestPki& pki_;
  const int port_;
  std::shared_ptr<grpc::Channel> Channel(const std::string& who);

  std::map<std::string, std::unique_ptr<v1::Referrals::Stub>> stubs_;
  std::map<std::string, std::unique_ptr<v1::People::Stub>> people_;
  std::map<std::string, std::unique_ptr<v1::Reports::Stub>> reports_;
};

// The field violations a status carries (google.rpc.BadRequest).
std::vector<FieldViolation> Violations(const grpc::Status& status);

// Today in Europe/London, the server's default time zone, plus `days`.
v1::Date Today(int days = 0);

// A ClientContext with a 10 s deadline.
std::unique_ptr<grpc::ClientContext> Context();

// Waits for a watch's initial metadata; true if the server says the watch
// is live (a refused watch ends without saying so).
bool WaitUntilLive(grpc::ClientReader<v1::ReferralEvent>& stream,
                   const grpc::ClientContext& context);

}  // namespace safeguard::testing

#endif  // SAFEGUARD_TESTS_TESTING_REFERRAL_FIXTURES_H_
