// ReferralService::Correct (referral_correction.cc): which fields a
// correction may change, the kind's rules applied to what it changes, the
// version read, and the history step and audit entry it leaves.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/core/field_violations.h"
#include "server/core/referral_service.h"
#include "tests/testing/fake_store.h"
#include "tests/testing/memory_referral_store.h"
#include "tests/testing/status_matchers.h"

namespace safeguard {
namespace {

using ::safeguard::testing::StatusIs;

using ::safeguard::testing::CountingIds;

const std::string& Concern(const Referral& r) {
  return std::get<ChannelForm>(r.form).concern;
}

// A describer that reports the concern, the one field these tests change.
std::vector<FieldChange> DescribeConcern(const Referral& before,
                                         const Referral& after,
                                         absl::Span<const std::string> paths) {
  std::vector<FieldChange> out;
  for (const std::string& path : paths) {
    if (path == "channel.concern" && Concern(before) != Concern(after)) {
      out.push_back({path, Concern(before), Concern(after)});
    }
  }
  return out;
}

class ReferralCorrectionTest : public ::testing::Test {
 protected:
  ReferralCorrectionTest() {
    auto partnership = std::make_shared<Partnership>();
    partnership->areas = {"ipswich"};
    ctx_.identity.agency = "suffolk-police";
    ctx_.identity.principal = "system/athena";
    ctx_.roles = RoleSet{Role::kReferrer};
    ctx_.partnership = partnership;
    ctx_.audit = &audit_;
    VisibilityScope own;  // the referrer's own referrals
    own.referrer = "suffolk-police/system/athena";
    own.roles = RoleSet{Role::kReferrer};
    ctx_.scopes = {own};
    Referral draft;
    draft.kind = ReferralKind::kChannel;
    draft.area = "ipswich";
    Person subject;
    subject.full_name = "Sam Example";
    draft.subjects = {subject};
    draft.consent.status = ConsentStatus::kGiven;
    ChannelForm form;
    form.concern = "first account";
    draft.form = form;
    absl::StatusOr<CreateResult> made =
        service_.Submit(ctx_, "req-1", "fp-1", draft);
    EXPECT_TRUE(made.ok()) << made.status();
    id_ = made->referral.id;
    audit_ = AuditRecord();
  }

  // The correction's values: the concern given.
  static Referral Values(const std::string& concern) {
    Referral values;
    ChannelForm form;
    form.concern = concern;
    values.form = form;
    return values;
  }

  absl::StatusOr<Referral> Correct(int64_t version,
                                   std::vector<std::string> paths,
                                   const Referral& values) {
    audit_ = AuditRecord();
    return service_.Correct(
        ctx_, id_, version, paths, values,
        [this](RoleSet roles, ReferralKind kind, const std::string& path) {
          shown_asked_ = roles.Has(Role::kReferrer) &&
                         kind == ReferralKind::kChannel;
          return path != hidden_path_;
        },
        DescribeConcern);
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
  std::string id_;
  // The field the caller's view does not show, in the fake view.
  std::string hidden_path_ = "channel.indicators";
  bool shown_asked_ = false;
};

TEST_F(ReferralCorrectionTest, ACorrectionIsAStepWithItsChanges) {
  clock_.Advance(absl::Hours(1));
  absl::StatusOr<Referral> r =
      Correct(1, {"channel.concern"}, Values("second account"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Concern(*r), "second account");
  EXPECT_EQ(r->version, 2);
  EXPECT_EQ(r->update_time, clock_.Now());
  const TransitionRecord& step = r->history.back();
  EXPECT_EQ(step.action, "correct");
  EXPECT_EQ(step.actor, "suffolk-police/system/athena");
  EXPECT_EQ(step.from_state, r->state);
  EXPECT_EQ(step.to_state, r->state);
  ASSERT_EQ(step.changes.size(), 1u);
  EXPECT_EQ(step.changes[0].path, "channel.concern");
  EXPECT_EQ(step.changes[0].before, "first account");
  EXPECT_EQ(step.changes[0].after, "second account");
  EXPECT_TRUE(audit_.committed);
  EXPECT_EQ(audit_.referral_id, id_);
  EXPECT_EQ(audit_.changed_fields, std::vector<std::string>{"channel.concern"});
  EXPECT_EQ(Concern(*store_.Get(id_)), "second account");
  // The view asked about is that of the roles the referral is seen in.
  EXPECT_TRUE(shown_asked_);
}

TEST_F(ReferralCorrectionTest, RefusedCorrectionsChangeNothing) {
  const struct {
    const char* name;
    int64_t version;
    std::vector<std::string> paths;
    Referral values;
    absl::StatusCode code;
    std::vector<FieldViolation> violations;
  } cases[] = {
      {"no paths", 1, {}, Values("x"), absl::StatusCode::kInvalidArgument,
       {{"update_mask", "is required: name each field to correct"}}},
      {"the kind and the subject's minority", 1,
       {"kind", "channel.subject_is_minor"}, Values("x"),
       absl::StatusCode::kInvalidArgument,
       {{"referral.kind", "cannot be changed after submission"},
        {"referral.channel.subject_is_minor",
         "cannot be changed after submission: refer again as a new "
         "referral"}}},
      {"what the server sets", 1, {"channel.vaf_assessments"}, Values("x"),
       absl::StatusCode::kInvalidArgument,
       {{"referral.channel.vaf_assessments",
         "is set by the server and cannot be corrected"}}},
      {"another kind's field", 1, {"marac.relationship"}, Values("x"),
       absl::StatusCode::kInvalidArgument,
       {{"referral.marac.relationship",
         "is not a field of this referral's kind"}}},
      {"a value the kind's rules refuse", 1, {"channel.concern"},
       Values(std::string(20001, 'c')), absl::StatusCode::kInvalidArgument,
       {{"referral.channel.concern", "must be at most 20000 bytes"}}},
      {"a field the caller's view does not show", 1,
       {"channel.concern", "channel.indicators"}, Values("x"),
       absl::StatusCode::kInvalidArgument,
       {{"referral.channel.indicators", "is not shown to the caller's roles"}}},
      {"a stale version", 3, {"channel.concern"}, Values("x"),
       absl::StatusCode::kAborted, {}},
  };
  for (const auto& c : cases) {
    absl::StatusOr<Referral> r = Correct(c.version, c.paths, c.values);
    EXPECT_THAT(r, StatusIs(c.code)) << c.name;
    EXPECT_EQ(FieldViolations(r.status()), c.violations) << c.name;
    EXPECT_FALSE(audit_.committed) << c.name;
    EXPECT_EQ(store_.Get(id_)->version, 1) << c.name;
  }
}

TEST_F(ReferralCorrectionTest, TheWorkflowsOwnStateIsNotTheCorrectionsFault) {
  // Consent withdrawn since submission would not pass as a submission; a
  // correction of another field is still accepted.
  Referral stored = *store_.Get(id_);
  stored.consent.status = ConsentStatus::kWithdrawn;
  store_.Put(stored);
  absl::StatusOr<Referral> r = Correct(1, {"channel.concern"}, Values("new"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->version, 2);
}

TEST_F(ReferralCorrectionTest, TheSameValuesChangeNothing) {
  absl::StatusOr<Referral> r =
      Correct(1, {"channel.concern"}, Values("first account"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->version, 1);
  EXPECT_FALSE(audit_.committed);
  EXPECT_TRUE(audit_.changed_fields.empty());
}

TEST_F(ReferralCorrectionTest, AReferralOutOfScopeIsNotFound) {
  VisibilityScope other_agency;
  other_agency.agencies = {"suffolk-icb"};
  ctx_.scopes = {other_agency};
  EXPECT_THAT(Correct(1, {"channel.concern"}, Values("x")),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(store_.Get(id_)->version, 1);
}

}  // namespace
}  // namespace safeguard
