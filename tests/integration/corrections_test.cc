// Integration: correcting a referral (Referrals/UpdateReferral) through the
// real server: the history's before and after, shown only through the
// field views that show each field; the audit entry naming the fields and
// not their values; the fields that cannot change refused by name; later
// information on a Duty to Notify as a correction.
#include <string>
#include <vector>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "safeguard/v1/audit.grpc.pb.h"
#include "server/app/safeguard_server.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/test_server.h"

namespace safeguard {
namespace {

using ::safeguard::testing::Callers;
using ::safeguard::testing::Context;
using ::safeguard::testing::NrmSubmission;
using ::safeguard::testing::TargetHardeningSubmission;
using ::safeguard::testing::TempDir;
using ::safeguard::testing::TestPki;
using ::safeguard::testing::TestServerConfig;

constexpr char kPolice[] = "suffolk-police/system/athena";
constexpr char kCouncil[] = "babergh-mid-suffolk-council/system/case";
constexpr char kSanctuary[] = "west-suffolk-council/person/sanctuary-coordinator";
constexpr char kLocksmith[] = "safe-partnership/person/locksmith";

struct Violation {
  std::string field;
  std::string description;
  bool operator==(const Violation& o) const {
    return field == o.field && description == o.description;
  }
};
std::ostream& operator<<(std::ostream& os, const Violation& v) {
  return os << v.field << ": " << v.description;
}

std::vector<Violation> Violations(const grpc::Status& s) {
  google::rpc::Status details;
  google::rpc::BadRequest bad;
  std::vector<Violation> out;
  if (details.ParseFromString(s.error_details()) && details.details_size() == 1 &&
      details.details(0).UnpackTo(&bad)) {
    for (const auto& v : bad.field_violations()) {
      out.push_back({v.field(), v.description()});
    }
  }
  return out;
}

struct Change {
  std::string path, before, after;
  bool operator==(const Change& o) const {
    return path == o.path && before == o.before && after == o.after;
  }
};
std::ostream& operator<<(std::ostream& os, const Change& c) {
  return os << c.path << ": " << c.before << " -> " << c.after;
}

// The changes of the referral's last history step.
std::vector<Change> LastChanges(const v1::Referral& r) {
  std::vector<Change> out;
  if (r.history().empty()) return out;
  for (const v1::FieldChange& c : r.history().rbegin()->changes()) {
    out.push_back({c.path(), c.before(), c.after()});
  }
  return out;
}

class CorrectionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = SafeguardServer::Start(config_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    callers_ = std::make_unique<Callers>(pki_, server_->port());
  }

  v1::Referral MustSubmit(const std::string& who, const v1::Referral& r) {
    v1::Referral out;
    grpc::Status s = callers_->Submit(who, "req-" + std::to_string(++requests_),
                                      r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  grpc::Status Update(const std::string& who, const v1::Referral& values,
                      std::vector<std::string> paths, v1::Referral* out,
                      const std::string& request_id = "") {
    v1::UpdateReferralRequest request;
    *request.mutable_referral() = values;
    for (std::string& p : paths) request.mutable_update_mask()->add_paths(p);
    auto context = Context();
    if (!request_id.empty()) context->AddMetadata("x-request-id", request_id);
    return callers_->As(who).UpdateReferral(context.get(), request, out);
  }

  TempDir dir_;
  TestPki pki_{dir_.path()};
  ServerConfig config_ = TestServerConfig(dir_, pki_);
  std::unique_ptr<SafeguardServer> server_;
  std::unique_ptr<Callers> callers_;
  int requests_ = 0;
};

TEST_F(CorrectionsTest, EachViewSeesTheChangesToTheFieldsItShows) {
  v1::Referral job = MustSubmit(kCouncil, TargetHardeningSubmission());
  ASSERT_EQ(job.version(), 1);

  // The referrer corrects a date of birth, the address, and adds the
  // council's case reference.
  v1::Referral values;
  values.set_name(job.name());
  values.set_version(job.version());
  *values.mutable_subjects() = job.subjects();
  values.mutable_subjects(0)->mutable_date_of_birth()->set_day(21);
  *values.mutable_target_hardening()->mutable_address() =
      job.target_hardening().address();
  values.mutable_target_hardening()->mutable_address()->set_postcode(
      "IP33 2BB");
  v1::ExternalReference* ref = values.add_external_references();
  ref->set_system(v1::CRIME);
  ref->set_value("CR-2026-0042");
  v1::Referral corrected;
  grpc::Status s = Update(kCouncil, values,
                          {"subjects", "external_references",
                           "target_hardening.address"},
                          &corrected, "correct-1");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(corrected.version(), 2);
  EXPECT_EQ(corrected.state(), job.state());
  EXPECT_EQ(corrected.subjects(0).date_of_birth().day(), 21);
  EXPECT_EQ(corrected.target_hardening().address().postcode(), "IP33 2BB");
  // Untouched fields stay as they were.
  EXPECT_EQ(corrected.target_hardening().access_instructions(),
            "Call first; side gate.");
  EXPECT_EQ(corrected.subjects(0).full_name(), "Chris Example");
  ASSERT_FALSE(corrected.history().empty());
  const v1::TransitionRecord& step = *corrected.history().rbegin();
  EXPECT_EQ(step.action(), "correct");
  EXPECT_EQ(step.actor(), kCouncil);
  EXPECT_EQ(step.from_state(), job.state());
  EXPECT_EQ(step.to_state(), job.state());
  const std::vector<Change> all = {
      {"subjects[0].date_of_birth", R"({"year":1988,"month":4,"day":12})",
       R"({"year":1988,"month":4,"day":21})"},
      {"external_references", "[]",
       R"([{"system":"CRIME","value":"CR-2026-0042"}])"},
      {"target_hardening.address",
       R"({"lines":["1 Example Row"],"town":"Bury St Edmunds","postcode":"IP33 1AA"})",
       R"({"lines":["1 Example Row"],"town":"Bury St Edmunds","postcode":"IP33 2BB"})"},
  };
  EXPECT_EQ(LastChanges(corrected), all);

  // The sanctuary coordinator's view has no external references: it sees
  // the step and the other two changes.
  v1::Referral seen;
  ASSERT_TRUE(callers_->Get(kSanctuary, job.name(), &seen).ok());
  EXPECT_EQ(seen.external_references_size(), 0);
  EXPECT_EQ(LastChanges(seen), (std::vector<Change>{all[0], all[2]}));

  // The locksmith sees the address as it is now, and no history at all.
  ASSERT_TRUE(callers_->Transition(kSanctuary, seen, "begin_eligibility").ok());
  ASSERT_TRUE(callers_->Transition(kSanctuary, seen, "accept").ok());
  ASSERT_TRUE(callers_->Assign(kSanctuary, seen, kLocksmith).ok());
  v1::Referral locksmith;
  ASSERT_TRUE(callers_->Get(kLocksmith, job.name(), &locksmith).ok());
  EXPECT_EQ(locksmith.target_hardening().address().postcode(), "IP33 2BB");
  EXPECT_EQ(locksmith.history_size(), 0);
  EXPECT_EQ(locksmith.DebugString().find("IP33 1AA"), std::string::npos);
  // ... and may not correct anything.
  values.set_version(seen.version());
  s = Update(kLocksmith, values, {"target_hardening.address"}, &corrected);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // The audit entry names the fields changed, never their values.
  std::vector<v1::AuditEntry> entries = callers_->AuditEntriesFor("correct-1");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].method(), "safeguard.v1.Referrals/UpdateReferral");
  EXPECT_EQ(entries[0].code(), 0);
  EXPECT_EQ(entries[0].referral(), job.name());
  EXPECT_EQ(std::vector<std::string>(entries[0].changed_fields().begin(),
                                     entries[0].changed_fields().end()),
            (std::vector<std::string>{"subjects[0].date_of_birth",
                                      "external_references",
                                      "target_hardening.address"}));
  const std::string text = entries[0].DebugString();
  for (const char* value : {"IP33", "CR-2026", "1988"}) {
    EXPECT_EQ(text.find(value), std::string::npos) << value;
  }
}

TEST_F(CorrectionsTest, WhatCannotBeCorrectedIsRefusedByName) {
  v1::Referral job = MustSubmit(kCouncil, TargetHardeningSubmission());
  // The referral as read, without its history (a request carries none).
  v1::Referral values = job;
  values.clear_history();
  struct Case {
    std::string name;
    std::vector<std::string> paths;
    grpc::StatusCode code;
    std::vector<Violation> violations;
  } cases[] = {
      {"the kind", {"kind"}, grpc::StatusCode::INVALID_ARGUMENT,
       {{"referral.kind", "cannot be changed after submission"}}},
      {"the referring agency and the area",
       {"referring_agency", "area"}, grpc::StatusCode::INVALID_ARGUMENT,
       {{"referral.referring_agency", "cannot be changed after submission"},
        {"referral.area",
         "cannot be changed: the area decides who sees the referral; refer "
         "again in the right area"}}},
      {"the state", {"state"}, grpc::StatusCode::INVALID_ARGUMENT,
       {{"referral.state", "changes through the workflow's actions"}}},
      {"consent", {"consent.status"}, grpc::StatusCode::INVALID_ARGUMENT,
       {{"referral.consent.status",
         "changes through the workflow's consent actions"}}},
      {"what the server sets", {"target_hardening.measures_installed"},
       grpc::StatusCode::INVALID_ARGUMENT,
       {{"referral.target_hardening.measures_installed",
         "is set by the server and cannot be corrected"}}},
      {"another kind's form", {"nrm.indicators"},
       grpc::StatusCode::INVALID_ARGUMENT,
       {{"referral.nrm.indicators", "is not a field of this referral's kind"}}},
      {"inside a list", {"subjects.full_name"},
       grpc::StatusCode::INVALID_ARGUMENT,
       {{"update_mask.paths[0]",
         "is not the path of a field of a referral outside a list (to "
         "correct a list, such as subjects, name the list)"}}},
      {"no field at all", {}, grpc::StatusCode::INVALID_ARGUMENT,
       {{"update_mask", "is required: name each field to correct"}}},
      {"a bad value, by the kind's rules", {"target_hardening.address"},
       grpc::StatusCode::INVALID_ARGUMENT,
       {{"referral.target_hardening.address.lines", "is required"},
        {"referral.target_hardening.address.postcode", "is required"}}},
  };
  for (const Case& c : cases) {
    v1::Referral v = values;
    if (c.name == "a bad value, by the kind's rules") {
      v.mutable_target_hardening()->clear_address();
    }
    v1::Referral out;
    grpc::Status s = Update(kCouncil, v, c.paths, &out);
    EXPECT_EQ(s.error_code(), c.code) << c.name;
    EXPECT_EQ(Violations(s), c.violations) << c.name;
  }

  // The sanctuary coordinator's view has no external references: it may
  // not replace them.
  v1::Referral refs = values;
  refs.add_external_references()->set_system(v1::CRIME);
  refs.mutable_external_references(0)->set_value("CR-1");
  v1::Referral refused;
  grpc::Status hidden =
      Update(kSanctuary, refs, {"external_references"}, &refused);
  EXPECT_EQ(Violations(hidden),
            (std::vector<Violation>{{"referral.external_references",
                                     "is not shown to the caller's roles"}}));

  // A stale version is ABORTED; a version not given is a violation.
  v1::Referral out;
  values.set_version(7);
  grpc::Status s = Update(kCouncil, values, {"priority"}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED);
  values.set_version(0);
  s = Update(kCouncil, values, {"priority"}, &out);
  EXPECT_EQ(Violations(s),
            (std::vector<Violation>{
                {"referral.version", "is required: the version read"}}));

  // A referral in no scope of the caller is NOT_FOUND, as a missing one.
  values.set_version(1);
  s = Update(kPolice, values, {"priority"}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  values.set_name("referrals/no-such-referral");
  s = Update(kCouncil, values, {"priority"}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);

  // A correction to the same values changes nothing.
  v1::Referral same;
  values = job;
  values.clear_history();
  ASSERT_TRUE(Update(kCouncil, values, {"priority", "subjects"}, &same).ok());
  EXPECT_EQ(same.version(), 1);
  EXPECT_EQ(same.history_size(), job.history_size());
}

TEST_F(CorrectionsTest, LaterInformationOnADutyToNotifyIsACorrection) {
  v1::Referral dtn = NrmSubmission();
  dtn.mutable_nrm()->set_nature(v1::DUTY_TO_NOTIFY);
  dtn.mutable_consent()->set_status(v1::REFUSED);
  dtn.mutable_consent()->set_legal_basis(v1::MODERN_SLAVERY_ACT_S52);
  dtn.mutable_consent()->set_reason("does not consent");
  v1::Person* p = dtn.mutable_subjects(0);
  p->clear_full_name();
  p->clear_date_of_birth();
  p->clear_safe_contact();
  p->set_gender("male");
  p->set_approximate_age(35);
  v1::Referral stored = MustSubmit(kPolice, dtn);

  v1::Referral values;
  values.set_name(stored.name());
  values.set_version(stored.version());
  values.mutable_nrm()->add_indicators("passport held by employer");
  values.mutable_nrm()->add_indicators("lives at the place of work");
  v1::Referral out;
  grpc::Status s = Update(kPolice, values, {"nrm.indicators"}, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(out.version(), 2);
  EXPECT_EQ(LastChanges(out),
            (std::vector<Change>{
                {"nrm.indicators", R"(["passport held by employer"])",
                 R"(["passport held by employer","lives at the place of work"])"}}));

  // It stays anonymous: naming the person, or making it a referral, is
  // refused by name.
  *values.mutable_subjects() = stored.subjects();
  values.mutable_subjects(0)->set_full_name("Sam Example");
  values.set_version(out.version());
  s = Update(kPolice, values, {"subjects", "nrm.nature"}, &out);
  EXPECT_EQ(Violations(s),
            (std::vector<Violation>{
                {"referral.nrm.nature",
                 "cannot be changed: a Duty to Notify stays anonymous "
                 "(consent given later is a new NRM referral)"}}));
  s = Update(kPolice, values, {"subjects"}, &out);
  EXPECT_EQ(Violations(s),
            (std::vector<Violation>{
                {"referral.subjects[0].full_name",
                 "must be empty in a Duty to Notify: it would identify the "
                 "person (Modern Slavery Act s52(3))"}}));
}

}  // namespace
}  // namespace safeguard
