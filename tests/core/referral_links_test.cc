// ReferralService's links made after submission (referral_links.cc): each
// side's coordinator reads only its own kind, so a link is made when both
// have asked, and the answer never says whether the other referral exists.
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

class NoIds final : public IdGenerator {
 public:
  std::string NewId(absl::Time) override { return "unused"; }
};

// A caller who reads the referrals of one kind.
CallContext Coordinator(const std::string& agency, ReferralKind kind,
                        AuditRecord* audit) {
  CallContext ctx;
  ctx.identity.agency = agency;
  ctx.identity.principal = "person/coordinator";
  VisibilityScope scope;
  scope.all = true;
  scope.kinds = {kind};
  ctx.scopes = {scope};
  ctx.audit = audit;
  return ctx;
}

class ReferralLinksTest : public ::testing::Test {
 protected:
  ReferralLinksTest() {
    store_.Put(Make("case", ReferralKind::kMarac, "MAR-2026-000001"));
    store_.Put(Make("job", ReferralKind::kTargetHardening, "TGH-2026-000001"));
    store_.Put(Make("other-case", ReferralKind::kMarac, "MAR-2026-000002"));
  }

  static Referral Make(const std::string& id, ReferralKind kind,
                       const std::string& reference) {
    Referral r;
    r.id = id;
    r.kind = kind;
    r.reference = reference;
    r.state = "SCREENED";
    r.version = 1;
    return r;
  }

  CallContext Marac() {
    audit_ = AuditRecord();
    return Coordinator("suffolk-county-council", ReferralKind::kMarac, &audit_);
  }
  CallContext Sanctuary() {
    audit_ = AuditRecord();
    return Coordinator("suffolk-sanctuary", ReferralKind::kTargetHardening,
                       &audit_);
  }
  static std::vector<VisibilityScope> Reads(const CallContext& ctx) {
    return ctx.scopes;
  }
  std::vector<ReferralLink> LinksOf(const std::string& id) {
    return store_.Get(id)->links;
  }

  testing::MemoryReferralStore store_;
  ReferralEvents events_;
  testing::FakeClock clock_{absl::FromUnixSeconds(1'790'000'000)};
  HolidayCalendar calendar_ = *HolidayCalendar::Load(
      SAFEGUARD_SOURCE_DIR "/deploy/bank-holidays-england-and-wales.txt");
  NoIds ids_;
  ReferralService service_{store_,    store_,           events_, clock_,
                           calendar_, absl::UTCTimeZone(), ids_};
  AuditRecord audit_;
};

TEST_F(ReferralLinksTest, ALinkIsMadeWhenBothSidesHaveAskedForIt) {
  CallContext marac = Marac();
  absl::StatusOr<Referral> proposed = service_.Link(
      marac, "case", LinkType::kTargetHardeningJob, "job", Reads(marac));
  ASSERT_TRUE(proposed.ok()) << proposed.status();
  ASSERT_EQ(proposed->links.size(), 1u);
  EXPECT_EQ(proposed->links[0].status, LinkStatus::kProposed);
  EXPECT_EQ(proposed->links[0].referral_id, "job");
  EXPECT_EQ(proposed->links[0].linked_by,
            "suffolk-county-council/person/coordinator");
  EXPECT_EQ(proposed->version, 2);
  EXPECT_EQ(proposed->history.back().action, "propose_link");
  EXPECT_EQ(proposed->history.back().reason,
            "asked to link to another referral");
  EXPECT_TRUE(audit_.committed);
  EXPECT_EQ(audit_.referral_id, "case");
  EXPECT_EQ(audit_.disclosed, std::vector<std::string>{"job"});

  Referral job = *store_.Get("job");
  ASSERT_EQ(job.links.size(), 1u);
  EXPECT_EQ(job.links[0].type, LinkType::kMaracCase);
  EXPECT_EQ(job.links[0].referral_id, "case");
  EXPECT_EQ(job.links[0].status, LinkStatus::kRequested);
  EXPECT_EQ(job.history.back().action, "link_requested");
  EXPECT_EQ(job.history.back().reason, "asked for by MAR-2026-000001");

  // Asking again changes nothing.
  marac = Marac();
  absl::StatusOr<Referral> again = service_.Link(
      marac, "case", LinkType::kTargetHardeningJob, "job", Reads(marac));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->version, 2);
  EXPECT_EQ(store_.Get("job")->version, 2);

  CallContext sanctuary = Sanctuary();
  absl::StatusOr<Referral> confirmed = service_.Link(
      sanctuary, "job", LinkType::kMaracCase, "case", Reads(sanctuary));
  ASSERT_TRUE(confirmed.ok()) << confirmed.status();
  ASSERT_EQ(confirmed->links.size(), 1u);
  EXPECT_EQ(confirmed->links[0].status, LinkStatus::kLinked);
  EXPECT_EQ(confirmed->history.back().reason, "linked to MAR-2026-000001");
  const std::vector<ReferralLink> on_case = LinksOf("case");
  ASSERT_EQ(on_case.size(), 1u);
  EXPECT_EQ(on_case[0].status, LinkStatus::kLinked);
  EXPECT_EQ(on_case[0].linked_by, "suffolk-sanctuary/person/coordinator");
  EXPECT_EQ(store_.Get("case")->history.back().reason,
            "linked to TGH-2026-000001");
}

TEST_F(ReferralLinksTest, TheAnswerIsTheSameWhetherOrNotTheOtherExists) {
  struct Case {
    const char* name;
    std::string other;
  } cases[] = {
      {"a job that exists", "job"},
      {"no referral at all", "no-such-referral"},
      {"a referral of another kind", "other-case"},
  };
  for (const Case& c : cases) {
    store_.Put(Make("case", ReferralKind::kMarac, "MAR-2026-000001"));
    CallContext marac = Marac();
    absl::StatusOr<Referral> r = service_.Link(
        marac, "case", LinkType::kTargetHardeningJob, c.other, Reads(marac));
    ASSERT_TRUE(r.ok()) << c.name << ": " << r.status();
    ASSERT_EQ(r->links.size(), 1u) << c.name;
    EXPECT_EQ(r->links[0].status, LinkStatus::kProposed) << c.name;
    EXPECT_EQ(r->history.back().reason, "asked to link to another referral")
        << c.name;
  }
  // Only the job of the right kind was asked.
  EXPECT_TRUE(LinksOf("other-case").empty());
}

TEST_F(ReferralLinksTest, ACallerWhoReadsBothLinksAtOnce) {
  CallContext both = Marac();
  VisibilityScope jobs;
  jobs.all = true;
  jobs.kinds = {ReferralKind::kTargetHardening};
  const std::vector<VisibilityScope> readable = {both.scopes[0], jobs};
  absl::StatusOr<Referral> r = service_.Link(
      both, "case", LinkType::kTargetHardeningJob, "job", readable);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->links[0].status, LinkStatus::kLinked);
  EXPECT_EQ(LinksOf("job")[0].status, LinkStatus::kLinked);
}

TEST_F(ReferralLinksTest, BadLinksAreRefusedByField) {
  struct Case {
    const char* name;
    std::string id;
    LinkType type;
    std::string other;
    absl::StatusCode code;
    std::vector<FieldViolation> violations;
  } cases[] = {
      {"a case linked as if it were a job", "case", LinkType::kMaracCase,
       "job", absl::StatusCode::kInvalidArgument,
       {{"link.type", "is not a link this kind of referral takes"}}},
      {"a case linked to itself", "case", LinkType::kTargetHardeningJob,
       "case", absl::StatusCode::kInvalidArgument,
       {{"link.referral", "names the referral being linked"}}},
      {"a referral out of the caller's scope", "job",
       LinkType::kMaracCase, "case", absl::StatusCode::kNotFound, {}},
  };
  for (const Case& c : cases) {
    CallContext marac = Marac();
    absl::StatusOr<Referral> r =
        service_.Link(marac, c.id, c.type, c.other, Reads(marac));
    EXPECT_EQ(r.status().code(), c.code) << c.name << ": " << r.status();
    EXPECT_EQ(FieldViolations(r.status()), c.violations) << c.name;
    EXPECT_FALSE(audit_.committed) << c.name;
  }
  EXPECT_TRUE(LinksOf("case").empty());
  EXPECT_TRUE(LinksOf("job").empty());
}

TEST_F(ReferralLinksTest, UnlinkingDeclinesOrRemovesOnBothSides) {
  CallContext marac = Marac();
  ASSERT_TRUE(service_
                  .Link(marac, "case", LinkType::kTargetHardeningJob, "job",
                        Reads(marac))
                  .ok());
  // The job's coordinator declines the request.
  CallContext sanctuary = Sanctuary();
  absl::StatusOr<Referral> declined = service_.Unlink(sanctuary, "job", "case");
  ASSERT_TRUE(declined.ok()) << declined.status();
  EXPECT_TRUE(declined->links.empty());
  EXPECT_EQ(declined->history.back().reason, "declined the link asked for");
  EXPECT_TRUE(LinksOf("case").empty());
  EXPECT_EQ(store_.Get("case")->history.back().reason,
            "the link asked for was declined");

  sanctuary = Sanctuary();
  EXPECT_THAT(service_.Unlink(sanctuary, "job", "case"),
              StatusIs(absl::StatusCode::kNotFound, "link not found"));
  EXPECT_FALSE(audit_.committed);

  // Linked from both sides, then unlinked from one.
  marac = Marac();
  ASSERT_TRUE(service_
                  .Link(marac, "case", LinkType::kTargetHardeningJob, "job",
                        Reads(marac))
                  .ok());
  sanctuary = Sanctuary();
  ASSERT_TRUE(service_
                  .Link(sanctuary, "job", LinkType::kMaracCase, "case",
                        Reads(sanctuary))
                  .ok());
  marac = Marac();
  absl::StatusOr<Referral> unlinked = service_.Unlink(marac, "case", "job");
  ASSERT_TRUE(unlinked.ok()) << unlinked.status();
  EXPECT_TRUE(unlinked->links.empty());
  EXPECT_EQ(unlinked->history.back().reason, "unlinked from TGH-2026-000001");
  EXPECT_TRUE(LinksOf("job").empty());
  EXPECT_EQ(audit_.disclosed, std::vector<std::string>{"job"});
}

}  // namespace
}  // namespace safeguard
