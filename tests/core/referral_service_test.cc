#include "server/core/referral_service.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/testing/fake_store.h"
#include "tests/testing/memory_referral_store.h"
#include "tests/testing/status_matchers.h"

namespace safeguard {
namespace {

using ::safeguard::testing::StatusIs;

using ::safeguard::testing::CountingIds;

// The service over the in-memory store, as the server runs it above the
// store: submissions made idempotent, and each change committed with the
// call's audit entry.
class ReferralServiceTest : public ::testing::Test {
 protected:
  ReferralServiceTest() {
    auto partnership = std::make_shared<Partnership>();
    partnership->areas = {"ipswich"};
    ctx_.identity.agency = "suffolk-police";
    ctx_.identity.principal = "system/athena";
    ctx_.roles = RoleSet{Role::kReferrer};
    ctx_.partnership = partnership;
    ctx_.audit = &audit_;
  }

  static Referral Channel(const std::string& concern) {
    Referral r;
    r.kind = ReferralKind::kChannel;
    r.area = "ipswich";
    Person subject;
    subject.full_name = "Sam Example";
    r.subjects = {subject};
    r.consent.status = ConsentStatus::kGiven;
    ChannelForm form;
    form.concern = concern;
    r.form = form;
    return r;
  }

  testing::MemoryReferralStore store_;
  ReferralEvents events_;
  testing::FakeClock clock_{absl::FromUnixSeconds(1'790'000'000)};
  HolidayCalendar calendar_ = *HolidayCalendar::Load(
      SAFEGUARD_SOURCE_DIR "/deploy/bank-holidays-england-and-wales.txt");
  CountingIds ids_;
  ReferralService service_{store_,    store_,           events_, clock_,
                           calendar_, absl::UTCTimeZone(), ids_};
  AuditRecord audit_;
  CallContext ctx_;
};

TEST_F(ReferralServiceTest, ARequestIdNamesOneSubmission) {
  absl::StatusOr<CreateResult> first =
      service_.Submit(ctx_, "req-1", "fp-1", Channel("first"));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->referral.id, "id0001");
  EXPECT_EQ(first->referral.reference, "CHA-2026-000001");
  EXPECT_EQ(first->referral.state, "RECEIVED");
  EXPECT_TRUE(audit_.committed);
  EXPECT_EQ(audit_.referral_id, "id0001");

  struct Case {
    const char* name;
    const char* request_id;
    const char* fingerprint;
    absl::StatusCode code;
    const char* message;
    bool created;
    const char* reference;
  } cases[] = {
      {"the same id and body: the original, nothing written", "req-1", "fp-1",
       absl::StatusCode::kOk, "", false, "CHA-2026-000001"},
      {"the same id, another body: refused", "req-1", "fp-2",
       absl::StatusCode::kAlreadyExists,
       "request_id was already used for a different referral", false, ""},
      {"another id: a new referral", "req-2", "fp-1", absl::StatusCode::kOk, "",
       true, "CHA-2026-000002"},
  };
  for (const Case& c : cases) {
    audit_ = AuditRecord();
    absl::StatusOr<CreateResult> r =
        service_.Submit(ctx_, c.request_id, c.fingerprint, Channel("again"));
    ASSERT_EQ(r.status().code(), c.code) << c.name << ": " << r.status();
    if (!r.ok()) {
      EXPECT_EQ(r.status().message(), c.message) << c.name;
      EXPECT_FALSE(audit_.committed) << c.name;
      continue;
    }
    EXPECT_EQ(r->created, c.created) << c.name;
    EXPECT_EQ(r->referral.reference, c.reference) << c.name;
    EXPECT_EQ(audit_.committed, c.created) << c.name;
    EXPECT_EQ(audit_.referral_id, r->referral.id) << c.name;
  }
  // The retry and the refused one stored nothing under the ids they drew.
  EXPECT_TRUE(store_.Get("id0001").ok());
  EXPECT_THAT(store_.Get("id0002"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(store_.Get("id0003"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_TRUE(store_.Get("id0004").ok());
}

TEST_F(ReferralServiceTest, NoChangeIsMadeOutsideACallsAuditEntry) {
  ctx_.audit = nullptr;
  EXPECT_THAT(service_.Submit(ctx_, "req-1", "fp-1", Channel("first")),
              StatusIs(absl::StatusCode::kInternal,
                       "a change outside a call's audit entry"));
  EXPECT_THAT(store_.Get("id0001"), StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace safeguard
