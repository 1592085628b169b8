// Integration: people across referrals through the real server. A MARAC
// repeat is found by matching the victim and perpetrator (a nickname is
// still the same person), and one the server cannot see is claimed by the
// referrer with a reason, flagged as claimed; what the coordinator sees
// of it and what the referrer sees. Person records: a search needs a
// written reason, kept in the audit log with the records and referrals it
// returned; a match is confirmed (merged), undone and rejected; a record
// shows only what the caller may read; identifiers match.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/app/safeguard_server.h"
#include "server/core/status_macros.h"
#include "server/storage/person_index_rows.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_server.h"

namespace safeguard {
namespace {

using ::safeguard::testing::Callers;
using ::safeguard::testing::Context;
using ::safeguard::testing::IsOkAndHolds;
using ::safeguard::testing::Violations;
using ::testing::ElementsAre;
using ::safeguard::testing::MaracSubmission;
using ::safeguard::testing::TempDir;
using ::safeguard::testing::TestPki;
using ::safeguard::testing::TestServerConfig;

constexpr char kIdva[] = "leeway/person/idva";
constexpr char kCoordinator[] = "suffolk-county-council/person/marac-coordinator";
constexpr char kCouncil[] = "babergh-mid-suffolk-council/system/case";
constexpr char kSanctuary[] = "west-suffolk-council/person/sanctuary-coordinator";
constexpr char kReason[] = "Checking for earlier referrals before the MARAC";

std::vector<std::string> Strings(
    const google::protobuf::RepeatedPtrField<std::string>& v) {
  return {v.begin(), v.end()};
}

class PeopleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = SafeguardServer::Start(config_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    callers_ = std::make_unique<Callers>(pki_, server_->port());
  }

  // Submits as the IDVA and reads the case back as the coordinator.
  v1::Referral SubmitAndRead(const v1::Referral& r) {
    v1::Referral submitted, read;
    grpc::Status s = callers_->Submit(
        kIdva, "req-" + std::to_string(++requests_), r, &submitted);
    EXPECT_TRUE(s.ok()) << s.error_message();
    // The referrer's view holds no criteria: they come from others' cases.
    EXPECT_EQ(submitted.marac().criteria_size(), 0);
    EXPECT_FALSE(submitted.marac().repeat_claimed());
    s = callers_->Get(kCoordinator, submitted.name(), &read);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return read;
  }

  static std::vector<int> Criteria(const v1::Referral& r) {
    return {r.marac().criteria().begin(), r.marac().criteria().end()};
  }

  v1::Referral MustSubmit(const std::string& who, const v1::Referral& r) {
    v1::Referral out;
    grpc::Status s = callers_->Submit(
        who, "req-" + std::to_string(++requests_), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  grpc::Status Search(const std::string& who, v1::SearchPeopleRequest request,
                      v1::SearchPeopleResponse* out,
                      const std::string& request_id = "") {
    auto context = Context();
    if (!request_id.empty()) context->AddMetadata("x-request-id", request_id);
    return callers_->People(who).SearchPeople(context.get(), request, out);
  }

  v1::PersonRecord GetPerson(const std::string& who, const std::string& name) {
    v1::GetPersonRequest request;
    request.set_name(name);
    v1::PersonRecord out;
    grpc::Status s =
        callers_->People(who).GetPerson(Context().get(), request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  TempDir dir_;
  TestPki pki_{dir_.path()};
  ServerConfig config_ = TestServerConfig(dir_, pki_);
  std::unique_ptr<SafeguardServer> server_;
  std::unique_ptr<Callers> callers_;
  int requests_ = 0;
};

TEST_F(PeopleTest, ARepeatIsFoundByMatchingOrClaimedByTheReferrer) {
  // Five yes answers: no criterion of its own.
  v1::Referral first = SubmitAndRead(MaracSubmission(5, "Jonathan Example"));
  EXPECT_EQ(Criteria(first), std::vector<int>{});

  // The same victim by a nickname, with the same perpetrator and dates of
  // birth: a repeat.
  v1::Referral again = SubmitAndRead(MaracSubmission(5, "Jon Example"));
  EXPECT_EQ(Criteria(again), std::vector<int>{v1::REPEAT});
  EXPECT_FALSE(again.marac().repeat_claimed());

  // Someone else: not a repeat, unless the referrer claims one the server
  // cannot see, with its reason.
  v1::Referral other = SubmitAndRead(MaracSubmission(5, "Robin Sample"));
  EXPECT_EQ(Criteria(other), std::vector<int>{});
  v1::Referral claim = MaracSubmission(5, "Kim Sample");
  claim.mutable_marac()->set_repeat_claim("heard at the Norfolk MARAC in May");
  v1::Referral claimed = SubmitAndRead(claim);
  EXPECT_EQ(Criteria(claimed), std::vector<int>{v1::REPEAT});
  EXPECT_TRUE(claimed.marac().repeat_claimed());
  EXPECT_EQ(claimed.marac().repeat_claim(), "heard at the Norfolk MARAC in May");
}

// The repeat check reads the recent MARAC cases' people from memory, loaded
// again when the server starts, and the person index's new rows are folded
// into its main table once writes pause: neither loses a repeat.
TEST_F(PeopleTest, ARepeatIsFoundAfterARestartAndAFold) {
  v1::Referral first = SubmitAndRead(MaracSubmission(5, "Jonathan Example"));
  EXPECT_EQ(Criteria(first), std::vector<int>{});

  callers_.reset();
  server_->Shutdown(absl::ZeroDuration());
  server_.reset();
  SetUp();
  v1::Referral again = SubmitAndRead(MaracSubmission(5, "Jon Example"));
  EXPECT_EQ(Criteria(again), std::vector<int>{v1::REPEAT});

  // The rows of both cases move to the main index (the server's own
  // folder may have begun); a third case by the full name is a repeat, and
  // someone else is not.
  SAFEGUARD_ASSERT_OK(server_->person_index_folder().FoldAll().status());
  EXPECT_THAT(server_->database_for_test().Read(
                  [](Database& db) { return CountNewPersonIndexRows(db); }),
              IsOkAndHolds(0));
  EXPECT_THAT(server_->database_for_test().Read(
                  [](Database& db) -> absl::StatusOr<int64_t> {
                    SAFEGUARD_ASSIGN_OR_RETURN(
                        Statement count,
                        db.Prepare("SELECT count(*) FROM person_mentions;"));
                    SAFEGUARD_RETURN_IF_ERROR(count.Step().status());
                    return count.ColumnInt64(0);
                  }),
              IsOkAndHolds(::testing::Gt(0)));
  v1::Referral third = SubmitAndRead(MaracSubmission(5, "Jonathan Example"));
  EXPECT_EQ(Criteria(third), std::vector<int>{v1::REPEAT});
  v1::Referral other = SubmitAndRead(MaracSubmission(5, "Robin Sample"));
  EXPECT_EQ(Criteria(other), std::vector<int>{});
}

TEST_F(PeopleTest, AlsoKnownToShowsWhereElseAPersonIsKnownToThoseItIsFor) {
  // A MARAC victim, then a target-hardening job for the same person by a
  // nickname ("Jon"), and someone else's job.
  v1::Referral marac = MaracSubmission(15, "Jonathan Example");
  v1::Referral submitted;
  ASSERT_TRUE(callers_->Submit(kIdva, "m-1", marac, &submitted).ok());
  v1::Referral job = testing::TargetHardeningSubmission("west-suffolk");
  job.mutable_subjects(0)->set_full_name("Jon Example");
  v1::Referral job_out;
  ASSERT_TRUE(callers_->Submit(kCouncil, "t-1", job, &job_out).ok());
  v1::Referral other = testing::TargetHardeningSubmission("west-suffolk");
  other.mutable_subjects(0)->set_full_name("Robin Sample");
  v1::Referral other_out;
  ASSERT_TRUE(callers_->Submit(kCouncil, "t-2", other, &other_out).ok());

  // The MARAC coordinator sees that the victim is known to a job: its
  // envelope, never its content.
  v1::Referral seen;
  ASSERT_TRUE(
      callers_->Get(kCoordinator, submitted.name(), &seen).ok());
  ASSERT_EQ(seen.also_known_to_size(), 1) << seen.DebugString();
  const v1::KnownElsewhere& k = seen.also_known_to(0);
  EXPECT_EQ(k.kind(), v1::TARGET_HARDENING);
  EXPECT_EQ(k.referring_agency(), "babergh-mid-suffolk-council");
  EXPECT_EQ(k.state(), job_out.state());
  EXPECT_EQ(k.create_time().seconds(), job_out.create_time().seconds());
  EXPECT_EQ(k.person(), "subjects[0]");
  EXPECT_EQ(k.named_as(), "subject");
  EXPECT_EQ(k.score(), 90);
  EXPECT_EQ(std::vector<std::string>(k.reasons().begin(), k.reasons().end()),
            (std::vector<std::string>{"nickname", "same_date_of_birth"}));
  EXPECT_EQ(k.DebugString().find("Example"), std::string::npos);

  // The sanctuary coordinator sees the case from the job's side.
  v1::Referral from_job;
  ASSERT_TRUE(callers_->Get(kSanctuary, job_out.name(), &from_job).ok());
  ASSERT_EQ(from_job.also_known_to_size(), 1);
  EXPECT_EQ(from_job.also_known_to(0).kind(), v1::MARAC);
  EXPECT_EQ(from_job.also_known_to(0).referring_agency(), "leeway");

  // The referrers see nothing of it.
  v1::Referral as_referrer;
  ASSERT_TRUE(callers_->Get(kIdva, submitted.name(), &as_referrer).ok());
  EXPECT_EQ(as_referrer.also_known_to_size(), 0);
  ASSERT_TRUE(callers_->Get(kCouncil, job_out.name(), &as_referrer).ok());
  EXPECT_EQ(as_referrer.also_known_to_size(), 0);
}

TEST_F(PeopleTest, AlsoKnownToByANameAloneListsTheNewest) {
  // 25 jobs for people of one name, no date of birth: only the same name
  // matches, all alike (60), so the 20 newest others are listed.
  std::vector<v1::Referral> jobs;
  for (int i = 0; i < 25; ++i) {
    v1::Referral job = testing::TargetHardeningSubmission("west-suffolk");
    job.mutable_subjects(0)->set_full_name("Sam Commonname");
    job.mutable_subjects(0)->clear_date_of_birth();
    jobs.push_back(MustSubmit(kCouncil, job));
  }
  v1::Referral seen;
  ASSERT_TRUE(callers_->Get(kSanctuary, jobs[0].name(), &seen).ok());
  ASSERT_EQ(seen.also_known_to_size(), 20);
  for (int k = 0; k < 20; ++k) {
    const v1::KnownElsewhere& known = seen.also_known_to(k);
    const v1::Referral& job = jobs[24 - k];
    EXPECT_EQ(known.create_time().seconds(), job.create_time().seconds()) << k;
    EXPECT_EQ(known.create_time().nanos(), job.create_time().nanos()) << k;
    EXPECT_EQ(known.score(), 60) << k;
    EXPECT_EQ(Strings(known.reasons()), std::vector<std::string>{"same_name"});
    EXPECT_FALSE(known.confirmed());
  }
}

TEST_F(PeopleTest, ASearchNeedsAReasonAndIsAuditedWithWhatItFound) {
  v1::Referral marac = MustSubmit(kIdva, MaracSubmission(15, "Jonathan Example"));
  v1::Referral job_in = testing::TargetHardeningSubmission("west-suffolk");
  job_in.mutable_subjects(0)->set_full_name("Jon Example");
  v1::Referral job = MustSubmit(kCouncil, job_in);

  v1::SearchPeopleRequest request;
  request.set_full_name("Jonathan Example");
  *request.mutable_date_of_birth() = marac.subjects(0).date_of_birth();
  v1::SearchPeopleResponse found;
  grpc::Status s = Search(kCoordinator, request, &found);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(s),
              ElementsAre(FieldViolation{
                  "reason", "is required: say why you are searching, in at "
                            "least 10 characters"}));
  request.set_reason("   because  ");
  s = Search(kCoordinator, request, &found);
  EXPECT_EQ(Violations(s).size(), 1u) << s.error_message();

  // Only the roles the policy names may search.
  request.set_reason(kReason);
  s = Search(kIdva, request, &found);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  ASSERT_TRUE(Search(kCoordinator, request, &found, "search-1").ok());
  ASSERT_EQ(found.people_size(), 2) << found.DebugString();
  // The victim (same name and date of birth), then the job's subject (a
  // nickname); the coordinator may open the MARAC case, not the job.
  EXPECT_EQ(found.people(0).score(), 100);
  EXPECT_EQ(Strings(found.people(0).reasons()),
            (std::vector<std::string>{"same_name", "same_date_of_birth"}));
  ASSERT_EQ(found.people(0).mentions_size(), 1);
  EXPECT_EQ(found.people(0).mentions(0).referral(), marac.name());
  EXPECT_EQ(found.people(0).mentions(0).path(), "subjects[0]");
  EXPECT_EQ(found.people(0).mentions(0).named_as(), "subject");
  EXPECT_EQ(found.people(1).score(), 90);
  ASSERT_EQ(found.people(1).mentions_size(), 1);
  EXPECT_EQ(found.people(1).mentions(0).referral(), "");
  EXPECT_EQ(found.people(1).mentions(0).path(), "");
  EXPECT_EQ(found.people(1).mentions(0).kind(), v1::TARGET_HARDENING);
  EXPECT_EQ(found.people(1).mentions(0).referring_agency(),
            "babergh-mid-suffolk-council");

  // The audit entry keeps the reason, the records and referrals returned.
  std::vector<v1::AuditEntry> entries = callers_->AuditEntriesFor("search-1");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].method(), "safeguard.v1.People/SearchPeople");
  EXPECT_EQ(entries[0].reason(), kReason);
  EXPECT_EQ(Strings(entries[0].people()),
            (std::vector<std::string>{found.people(0).person(),
                                      found.people(1).person()}));
  EXPECT_EQ(Strings(entries[0].disclosed()),
            (std::vector<std::string>{marac.name(), job.name()}));
}

TEST_F(PeopleTest, AMatchIsConfirmedUndoneAndRejected) {
  v1::Referral marac = MustSubmit(kIdva, MaracSubmission(15, "Jonathan Example"));
  v1::Referral job_in = testing::TargetHardeningSubmission("west-suffolk");
  job_in.mutable_subjects(0)->set_full_name("Jon Example");
  MustSubmit(kCouncil, job_in);

  v1::Referral seen;
  ASSERT_TRUE(callers_->Get(kCoordinator, marac.name(), &seen).ok());
  ASSERT_EQ(seen.also_known_to_size(), 1);
  const std::string mine = seen.also_known_to(0).person_record();
  const std::string theirs = seen.also_known_to(0).other_person_record();
  ASSERT_THAT(mine, ::testing::StartsWith("people/"));
  ASSERT_THAT(theirs, ::testing::StartsWith("people/"));
  EXPECT_NE(mine, theirs);
  EXPECT_FALSE(seen.also_known_to(0).confirmed());

  v1::PersonRecord record = GetPerson(kCoordinator, mine);
  EXPECT_EQ(Strings(record.full_names()),
            std::vector<std::string>{"Jonathan Example"});
  ASSERT_EQ(record.mentions_size(), 1);
  EXPECT_EQ(record.mentions(0).referral(), marac.name());
  ASSERT_EQ(record.candidates_size(), 1);
  EXPECT_EQ(record.candidates(0).person(), theirs);
  EXPECT_EQ(record.candidates(0).score(), 90);

  // Confirmed: the job's record joins the victim's. A stale version is
  // refused.
  v1::MergePeopleRequest merge;
  merge.set_name(mine);
  merge.set_version(record.version() - 1);
  merge.set_other(theirs);
  v1::PersonRecord merged;
  grpc::Status s = callers_->People(kCoordinator)
                       .MergePeople(Context().get(), merge, &merged);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED);
  merge.set_version(record.version());
  s = callers_->People(kCoordinator).MergePeople(Context().get(), merge, &merged);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(merged.version(), record.version() + 1);
  ASSERT_EQ(merged.merged_size(), 1);
  EXPECT_EQ(merged.merged(0).person(), theirs);
  EXPECT_EQ(merged.merged(0).merged_by(),
            "suffolk-county-council/person/marac-coordinator");
  EXPECT_EQ(merged.mentions_size(), 2);
  // The job's name stays unseen: the coordinator cannot read the job.
  EXPECT_EQ(Strings(merged.full_names()),
            std::vector<std::string>{"Jonathan Example"});
  EXPECT_EQ(GetPerson(kCoordinator, theirs).merged_into(), mine);
  EXPECT_EQ(GetPerson(kCoordinator, theirs).mentions_size(), 0);
  ASSERT_TRUE(callers_->Get(kCoordinator, marac.name(), &seen).ok());
  ASSERT_EQ(seen.also_known_to_size(), 1);
  EXPECT_TRUE(seen.also_known_to(0).confirmed());
  // Merging again is refused: the record is merged already.
  merge.set_version(merged.version());
  s = callers_->People(kCoordinator).MergePeople(Context().get(), merge, &merged);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  // Undone: each record has its own mention again, and the match is
  // proposed again.
  v1::UnmergePersonRequest unmerge;
  unmerge.set_name(theirs);
  v1::PersonRecord back;
  s = callers_->People(kCoordinator)
          .UnmergePerson(Context().get(), unmerge, &back);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(back.merged_into(), "");
  EXPECT_EQ(back.mentions_size(), 1);
  record = GetPerson(kCoordinator, mine);
  EXPECT_EQ(record.mentions_size(), 1);
  EXPECT_EQ(record.merged_size(), 0);
  ASSERT_EQ(record.candidates_size(), 1);

  // Rejected: never proposed again, nor shown as known elsewhere.
  v1::RejectMatchRequest reject;
  reject.set_name(mine);
  reject.set_other(theirs);
  v1::PersonRecord rejected;
  s = callers_->People(kCoordinator)
          .RejectMatch(Context().get(), reject, &rejected);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(Strings(rejected.rejected()), std::vector<std::string>{theirs});
  EXPECT_EQ(GetPerson(kCoordinator, mine).candidates_size(), 0);
  ASSERT_TRUE(callers_->Get(kCoordinator, marac.name(), &seen).ok());
  EXPECT_EQ(seen.also_known_to_size(), 0);
  EXPECT_EQ(GetPerson(kSanctuary, theirs).candidates_size(), 0);
}

TEST_F(PeopleTest, IdentifiersAreCheckedAndMatched) {
  v1::Referral bad = testing::TargetHardeningSubmission("west-suffolk");
  v1::PersonIdentifier* nhs = bad.mutable_subjects(0)->add_identifiers();
  nhs->set_type(v1::NHS_NUMBER);
  nhs->set_value("943 476 5918");  // the check digit is 9
  v1::Referral out;
  grpc::Status s = callers_->Submit(kCouncil, "bad-nhs", bad, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(s),
              ElementsAre(FieldViolation{
                  "referral.subjects[0].identifiers[0].value",
                  "is not an NHS number: 10 digits, the last its check "
                  "digit"}));

  // The same NHS number under another name is the same person.
  nhs->set_value("943 476 5919");
  bad.mutable_subjects(0)->set_full_name("Robin Sample");
  v1::Referral job = MustSubmit(kCouncil, bad);
  v1::SearchPeopleRequest request;
  request.set_reason(kReason);
  v1::PersonIdentifier* id = request.add_identifiers();
  id->set_type(v1::NHS_NUMBER);
  id->set_value("9434765919");
  v1::SearchPeopleResponse found;
  ASSERT_TRUE(Search(kSanctuary, request, &found).ok());
  ASSERT_EQ(found.people_size(), 1);
  EXPECT_EQ(found.people(0).score(), 100);
  EXPECT_EQ(Strings(found.people(0).reasons()),
            std::vector<std::string>{"same_identifier"});
  ASSERT_EQ(found.people(0).mentions_size(), 1);
  EXPECT_EQ(found.people(0).mentions(0).referral(), job.name());
  v1::PersonRecord record = GetPerson(kSanctuary, found.people(0).person());
  ASSERT_EQ(record.identifiers_size(), 1);
  EXPECT_EQ(record.identifiers(0).type(), v1::NHS_NUMBER);
  EXPECT_EQ(record.identifiers(0).value(), "9434765919");
  EXPECT_EQ(Strings(record.full_names()),
            std::vector<std::string>{"Robin Sample"});

  // Another NHS number is another person, whatever the name.
  id->set_value("4010232137");
  request.set_full_name("Robin Sample");
  ASSERT_TRUE(Search(kSanctuary, request, &found).ok());
  EXPECT_EQ(found.people_size(), 0);
}

}  // namespace
}  // namespace safeguard
