// MARAC repeats through person matching (kinds/marac.cc, person_match.h):
// an earlier case about the same victim and perpetrator within 12 months,
// found by name, nickname, alias or spelling variant with agreeing dates
// of birth, makes a new referral a repeat; one the server cannot see may
// be claimed by the referrer.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/core/referral_service.h"
#include "tests/testing/fake_store.h"
#include "tests/testing/memory_referral_store.h"

namespace safeguard {
namespace {

using ::safeguard::testing::CountingIds;

Person Named(const std::string& name, Date born,
             std::vector<std::string> aliases = {}) {
  Person p;
  p.full_name = name;
  p.date_of_birth = born;
  p.aliases = std::move(aliases);
  return p;
}

// A MARAC referral (5 yes answers: no criterion of its own).
Referral Marac(const Person& victim, const Person& perpetrator,
               const std::string& claim = "") {
  Referral r;
  r.kind = ReferralKind::kMarac;
  r.area = "ipswich";
  r.subjects = {victim};
  r.consent.status = ConsentStatus::kOverridden;
  r.consent.legal_basis = LegalBasis::kDpa2018Sch1Para18;
  r.consent.reason = "high risk";
  MaracForm form;
  form.dash.question_set_version = "safelives-2009";
  for (int i = 0; i < 24; ++i) {
    form.dash.answers.push_back(i < 5 ? DashAnswer::kYes : DashAnswer::kNo);
  }
  form.perpetrator = perpetrator;
  form.relationship = "ex-partner";
  form.repeat_claim = claim;
  r.form = form;
  return r;
}

const MaracForm& Form(const Referral& r) { return std::get<MaracForm>(r.form); }

class MaracRepeatTest : public ::testing::Test {
 protected:
  MaracRepeatTest() {
    auto partnership = std::make_shared<Partnership>();
    partnership->areas = {"ipswich"};
    ctx_.identity.agency = "leeway";
    ctx_.identity.principal = "person/idva";
    ctx_.roles = RoleSet{Role::kReferrer};
    ctx_.partnership = partnership;
    ctx_.audit = &audit_;
  }

  // Submits `r` `days_later` days after the last one; returns it stored.
  Referral Submit(const Referral& r, int days_later = 0) {
    clock_.Advance(absl::Hours(24 * days_later));
    audit_ = AuditRecord();
    absl::StatusOr<CreateResult> made = service_.Submit(
        ctx_, "req-" + std::to_string(++requests_), "fp", r);
    EXPECT_TRUE(made.ok()) << made.status();
    return made.ok() ? made->referral : Referral();
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
  int requests_ = 0;
};

const Date kBorn{1988, 4, 12};
const Date kPerpetratorBorn{1985, 1, 3};

TEST_F(MaracRepeatTest, AnEarlierCaseAboutTheSamePeopleMakesARepeat) {
  const struct {
    const char* name;
    Person victim;       // of the second referral
    Person perpetrator;  // of the second referral
    int days_later;
    bool repeat;
  } cases[] = {
      {"the same names", Named("Alex Example", kBorn),
       Named("Pat Example", kPerpetratorBorn), 30, true},
      {"through an alias, 364 days later",
       Named("Sam Jones", kBorn, {"Alex Example"}),
       Named("Pat Example", kPerpetratorBorn), 364, true},
      {"through an alias, 366 days later",
       Named("Sam Jones", kBorn, {"Alex Example"}),
       Named("Pat Example", kPerpetratorBorn), 366, false},
      {"a nickname and a year of birth", Named("Alex Example", {1988, 0, 0}),
       Named("Patrick Example", kPerpetratorBorn), 30, true},
      {"a spelling variant of the surname", Named("Alex Exampel", kBorn),
       Named("Pat Example", kPerpetratorBorn), 30, true},
      {"another perpetrator", Named("Alex Example", kBorn),
       Named("Chris Other", kPerpetratorBorn), 30, false},
      {"the same name, another date of birth",
       Named("Alex Example", {1990, 4, 12}),
       Named("Pat Example", kPerpetratorBorn), 30, false},
      {"a twin", Named("Sam Example", kBorn),
       Named("Pat Example", kPerpetratorBorn), 30, false},
  };
  int year = 2041;
  for (const auto& c : cases) {
    // Four years clear of the earlier cases, in a year whose next has no
    // 29 February: 366 days later is past 12 calendar months.
    clock_.Set(absl::FromCivil(absl::CivilDay(year, 6, 1), absl::UTCTimeZone()));
    year += 4;
    Referral first = Submit(Marac(Named("Alex Example", kBorn),
                                  Named("Pat Example", kPerpetratorBorn)));
    EXPECT_TRUE(Form(first).criteria.empty()) << c.name;
    Referral second = Submit(Marac(c.victim, c.perpetrator), c.days_later);
    const std::vector<MaracCriterion> want =
        c.repeat ? std::vector<MaracCriterion>{MaracCriterion::kRepeat}
                 : std::vector<MaracCriterion>{};
    EXPECT_EQ(Form(second).criteria, want) << c.name;
    EXPECT_FALSE(Form(second).repeat_claimed) << c.name;
  }
}

// The perpetrator's cases are read first when there are fewer than the
// limit; past it, every case naming the victim is read, so an earlier case
// behind 200 newer ones with the same perpetrator still makes a repeat.
TEST_F(MaracRepeatTest, APerpetratorOfManyCasesStillMakesARepeat) {
  clock_.Set(absl::FromCivil(absl::CivilDay(2041, 6, 1), absl::UTCTimeZone()));
  const Person pat = Named("Pat Example", kPerpetratorBorn);
  Referral first = Submit(Marac(Named("Alex Example", kBorn), pat));
  EXPECT_TRUE(Form(first).criteria.empty());
  // Someone else each time: one name, 200 dates of birth.
  for (int i = 0; i < 200; ++i) {
    const absl::CivilDay born = absl::CivilDay(1990, 1, 1) + i;
    const Date dob{static_cast<int>(born.year()), born.month(), born.day()};
    Referral other = Submit(Marac(Named("Robin Sample", dob), pat));
    ASSERT_TRUE(Form(other).criteria.empty()) << i;
  }
  Referral again = Submit(Marac(Named("Alex Example", kBorn), pat), 30);
  EXPECT_EQ(Form(again).criteria,
            std::vector<MaracCriterion>{MaracCriterion::kRepeat});
}

TEST_F(MaracRepeatTest, ARepeatTheServerCannotSeeIsClaimed) {
  Referral claimed = Submit(
      Marac(Named("Alex Example", kBorn), Named("Pat Example", kPerpetratorBorn),
            "heard at the Norfolk MARAC in March"));
  EXPECT_EQ(Form(claimed).criteria,
            std::vector<MaracCriterion>{MaracCriterion::kRepeat});
  EXPECT_TRUE(Form(claimed).repeat_claimed);
  EXPECT_EQ(Form(claimed).repeat_claim, "heard at the Norfolk MARAC in March");

  // A claim of nothing but spaces is no claim.
  Referral blank = Submit(Marac(Named("Robin Sample", kBorn),
                                Named("Chris Other", kPerpetratorBorn), "   "));
  EXPECT_TRUE(Form(blank).criteria.empty());
  EXPECT_FALSE(Form(blank).repeat_claimed);

  // One the server sees is not flagged as claimed, claim or not.
  Referral seen = Submit(
      Marac(Named("Alex Example", kBorn), Named("Pat Example", kPerpetratorBorn),
            "we think there was one"),
      10);
  EXPECT_EQ(Form(seen).criteria,
            std::vector<MaracCriterion>{MaracCriterion::kRepeat});
  EXPECT_FALSE(Form(seen).repeat_claimed);
}

}  // namespace
}  // namespace safeguard
