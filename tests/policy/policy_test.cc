#include "server/policy/policy.h"

#include <fstream>
#include <map>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "safeguard/v1/referral.pb.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace safeguard {
namespace {

using ::safeguard::testing::StatusIs;
using ::safeguard::testing::TempDir;

const std::string kShipped =
    std::string(SAFEGUARD_SOURCE_DIR) + "/policy/partnership.textproto";

std::shared_ptr<const CompiledPolicy> Shipped() {
  auto policy = CompiledPolicy::Load(kShipped);
  EXPECT_TRUE(policy.ok()) << policy.status();
  return policy.ok() ? *policy : nullptr;
}

TEST(PolicyTest, TheShippedPolicyLoadsAndNamesEveryMethod) {
  std::ifstream in(kShipped);
  std::stringstream text;
  text << in.rdbuf();
  for (const std::string& method : GovernedMethods()) {
    EXPECT_NE(text.str().find("\"" + method + "\""), std::string::npos)
        << method << " has no rule in the shipped policy";
  }
  ASSERT_NE(Shipped(), nullptr);
}

TEST(PolicyTest, TheShippedSchemeSurveysAndInstallsInOneVisit) {
  std::shared_ptr<const CompiledPolicy> policy = Shipped();
  ASSERT_NE(policy, nullptr);
  const WorkflowConfig& workflow = policy->partnership()->workflow;
  EXPECT_EQ(workflow.service_hours_by_scheme,
            (std::map<std::string, int>{{"suffolk-target-hardening", 48}}));
  EXPECT_EQ(workflow.one_visit_schemes,
            std::set<std::string>{"suffolk-target-hardening"});
}

TEST(PolicyTest, TheShippedReportsSettings) {
  std::shared_ptr<const CompiledPolicy> policy = Shipped();
  ASSERT_NE(policy, nullptr);
  const ReportsConfig& reports = policy->partnership()->reports;
  EXPECT_EQ(reports.suppression.threshold, 5);
  EXPECT_FALSE(reports.suppression.zero_is_disclosive);
  EXPECT_EQ(reports.adult_women_by_area.size(), 3u);
  EXPECT_EQ(reports.type_order,
            (std::vector<std::string>{"police", "local authority", "education",
                                      "health", "probation", "youth justice",
                                      "fire and rescue", "housing",
                                      "voluntary sector"}));
  // Without a reports section: threshold 5, no populations or types.
  absl::StatusOr<std::shared_ptr<const CompiledPolicy>> bare =
      CompiledPolicy::Parse("areas: \"a\"\n", "test");
  ASSERT_TRUE(bare.ok()) << bare.status();
  EXPECT_EQ((*bare)->partnership()->reports.suppression.threshold, 5);
  EXPECT_TRUE((*bare)->partnership()->reports.agency_types.empty());
}

TEST(PolicyTest, GovernedMethodsComeFromTheServiceDescriptors) {
  EXPECT_THAT(GovernedMethods(),
              ::testing::IsSupersetOf(
                  {"safeguard.v1.ServerInfo/GetServerInfo",
                   "safeguard.v1.Referrals/SubmitReferral",
                   "safeguard.v1.Referrals/GetReferral",
                   "safeguard.v1.Referrals/ListReferrals",
                   "safeguard.v1.Referrals/TransitionReferral",
                   "safeguard.v1.Referrals/AssignReferral",
                   "safeguard.v1.Referrals/AddNote",
                   "safeguard.v1.Referrals/UpdateReferral",
                   "safeguard.v1.Referrals/WatchReferrals"}));
}

TEST(PolicyTest, DefaultDeny) {
  auto policy = CompiledPolicy::Parse(
      "areas: \"a\"\n"
      "grants { agency: \"police\" roles: \"referrer\" }\n"
      "rules { name: \"info\" methods: \"safeguard.v1.ServerInfo/GetServerInfo\"\n"
      "        roles: \"referrer\" }\n",
      "test");
  ASSERT_TRUE(policy.ok()) << policy.status();
  CallerIdentity police{"police", "system/x", ""};
  CallerIdentity stranger{"elsewhere", "system/x", ""};
  AccessDecision ok = (*policy)->Decide(police, "safeguard.v1.ServerInfo/GetServerInfo");
  EXPECT_TRUE(ok.allowed);
  EXPECT_EQ(ok.rule, "info");
  for (const auto& [who, method] :
       std::vector<std::pair<CallerIdentity, std::string>>{
           {police, "safeguard.v1.Referrals/GetReferral"},
           {stranger, "safeguard.v1.ServerInfo/GetServerInfo"},
           {police, "safeguard.v1.Nothing/Here"}}) {
    AccessDecision d = (*policy)->Decide(who, method);
    EXPECT_FALSE(d.allowed) << method;
    EXPECT_EQ(d.rule, "default-deny");
    EXPECT_THAT(d.status, StatusIs(absl::StatusCode::kPermissionDenied,
                                   "the caller's roles may not call " + method));
  }
}

TEST(PolicyTest, MalformedPoliciesAreRefusedWithTheirLine) {
  struct Case {
    const char* name;
    const char* text;
    const char* error;
  } cases[] = {
      {"syntax", "areas: \"a\"\ngrants {\n", "test:3:1: Expected identifier, got: "},
      {"unknown top-level field", "areas: \"a\"\nzones: \"b\"\n",
       "test:2:6: Message type \"safeguard.config.v1.Policy\" has no field "
       "named \"zones\"."},
      {"unknown role",
       "grants { agency: \"a\" roles: \"referrer\" }\n"
       "grants { agency: \"b\"\n  roles: \"locksmith\" }\n",
       "test:3:3: unknown role \"locksmith\""},
      {"unknown method",
       "rules {\n  roles: \"auditor\"\n  methods: \"safeguard.v1.Referrals/Delete\"\n}\n",
       "test:3:3: unknown method \"safeguard.v1.Referrals/Delete\""},
      {"unknown field",
       "field_views {\n  roles: \"contractor\"\n  fields: \"target_hardening.pin\"\n}\n",
       "test:3:3: unknown field \"target_hardening.pin\" of safeguard.v1.Referral"},
      {"unknown kind",
       "field_views { roles: \"contractor\"\n kinds: BURGLARY }\n",
       "test:2:18: Unknown enumeration value of \"BURGLARY\" for field \"kinds\"."},
      {"unknown scope",
       "rules { roles: \"referrer\" methods: \"safeguard.v1.Referrals/GetReferral\"\n"
       "  scopes: EVERYWHERE }\n",
       "test:2:22: Unknown enumeration value of \"EVERYWHERE\" for field "
       "\"scopes\"."},
      {"unknown area in a grant",
       "areas: \"ipswich\"\ngrants { agency: \"a\" roles: \"referrer\"\n"
       "  areas: \"ipswich\" areas: \"atlantis\" }\n",
       "test:3:20: unknown area \"atlantis\""},
      {"two grants for one identity",
       "grants { agency: \"a\" roles: \"referrer\" }\n"
       "grants { agency: \"a\" roles: \"idva\" }\n",
       "test:2:1: this identity already has a grant"},
      {"negative timescale", "timescales {\n  gateway_working_days: -1\n}\n",
       "test:2:3: timescales.gateway_working_days must be from 0 to 60"},
      {"fifty million working days",
       "timescales {\n  rg_decision_working_days: 50000000\n}\n",
       "test:2:3: timescales.rg_decision_working_days must be from 0 to 60"},
      {"a threshold beyond the DASH questions",
       "timescales { marac_high_risk_threshold: 25 }\n",
       "test:1:14: timescales.marac_high_risk_threshold must be from 0 to 24"},
      {"a scheme of a million hours",
       "schemes { name: \"s\" service_hours: 1000000 }\n",
       "test:1:1: a scheme needs a name and service_hours from 1 to 2160"},
      {"a scoped rule on the whole audit log",
       "rules { roles: \"agency_lead\"\n"
       "  methods: \"safeguard.v1.Audit/ListAuditEntries\"\n"
       "  scopes: OWN_AGENCY }\n",
       "test:2:3: safeguard.v1.Audit/ListAuditEntries reads the whole audit "
       "log: its rule must have the one scope ALL and no kinds"},
      {"an unscoped rule on the audit export",
       "rules { roles: \"auditor\"\n"
       "  methods: \"safeguard.v1.Audit/ExportAuditLog\" }\n",
       "test:2:3: safeguard.v1.Audit/ExportAuditLog reads the whole audit "
       "log: its rule must have the one scope ALL and no kinds"},
      {"a small-number threshold of a thousand",
       "reports {\n  small_number_threshold: 1000\n}\n",
       "test:2:3: reports.small_number_threshold must be from 0 (the "
       "default, 5) to 100"},
      {"a population of an area not listed",
       "areas: \"a\"\nreports {\n  populations { area: \"b\" adult_women: 9 }\n}\n",
       "test:3:3: a population needs one of the areas, once, and "
       "adult_women above 0"},
      {"an area's population twice",
       "areas: \"a\"\nreports {\n  populations { area: \"a\" adult_women: 9 }\n"
       "  populations { area: \"a\" adult_women: 8 }\n}\n",
       "test:4:3: a population needs one of the areas, once, and "
       "adult_women above 0"},
      {"an agency type without a type",
       "reports { agency_types { agency: \"a\" } }\n",
       "test:1:11: an agency type needs an agency, once, and a type"},
      {"rule without roles",
       "rules { methods: \"safeguard.v1.Referrals/GetReferral\" }\n",
       "test:1:1: names no role"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(CompiledPolicy::Parse(c.text, "test"),
                StatusIs(absl::StatusCode::kInvalidArgument, c.error))
        << c.name;
  }
}

TEST(PolicyTest, ABadReloadLeavesTheOldPolicyInForce) {
  TempDir dir;
  const std::string path = dir.File("policy.textproto");
  std::ofstream(path) << "grants { agency: \"a\" roles: \"referrer\" }\n";
  auto first = CompiledPolicy::Load(path);
  ASSERT_TRUE(first.ok());
  PolicyHolder holder(*first);
  const CallerIdentity a{"a", "system/x", ""};
  EXPECT_TRUE(holder.Current()->RolesOf(a).Has(Role::kReferrer));

  std::ofstream(path) << "grants { agency: \"a\" roles: \"wizard\" }\n";
  EXPECT_THAT(holder.Reload(path),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "policy file " + path + ":1:22: unknown role \"wizard\""));
  EXPECT_EQ(holder.Current(), *first);

  std::ofstream(path) << "grants { agency: \"a\" roles: \"idva\" }\n";
  SAFEGUARD_ASSERT_OK(holder.Reload(path));
  EXPECT_TRUE(holder.Current()->RolesOf(a).Has(Role::kIdva));
  EXPECT_FALSE(holder.Current()->RolesOf(a).Has(Role::kReferrer));
}

TEST(PolicyTest, ScopesFollowTheRulesAndGrants) {
  auto policy = Shipped();
  ASSERT_NE(policy, nullptr);
  const CallerIdentity fire{"suffolk-fire-rescue", "person/fire-officer", ""};
  AccessDecision d = policy->Decide(fire, "safeguard.v1.Referrals/GetReferral");
  ASSERT_TRUE(d.allowed);
  // As a referrer it sees its own; as fire officer, target hardening in its
  // area.
  ASSERT_EQ(d.scopes.size(), 2u);
  EXPECT_EQ(d.scopes[0].referrer, "suffolk-fire-rescue/person/fire-officer");
  EXPECT_TRUE(d.scopes[0].roles == RoleSet{Role::kReferrer});
  EXPECT_EQ(d.scopes[1].areas, std::vector<std::string>{"west-suffolk"});
  EXPECT_EQ(d.scopes[1].kinds,
            std::vector<ReferralKind>{ReferralKind::kTargetHardening});
  EXPECT_TRUE(d.scopes[1].roles == RoleSet{Role::kFireOfficer});
  EXPECT_TRUE(policy->IsFirstResponder("suffolk-police", absl::Now()));
  EXPECT_FALSE(policy->IsFirstResponder("probation-service", absl::Now()));
}

TEST(PolicyTest, AGrantWithoutAreasDoesNotWidenAnotherRolesAreas) {
  auto policy = CompiledPolicy::Parse(
      "areas: \"north\" areas: \"south\"\n"
      "grants { agency: \"fire\" roles: \"fire_officer\" }\n"
      "grants { agency: \"fire\" principal: \"person/p\"\n"
      "  roles: \"sanctuary_coordinator\" areas: \"north\" }\n"
      "rules { name: \"r\" roles: \"fire_officer\" "
      "roles: \"sanctuary_coordinator\"\n"
      "  methods: \"safeguard.v1.Referrals/GetReferral\" scopes: AREA }\n",
      "test");
  ASSERT_TRUE(policy.ok()) << policy.status();
  AccessDecision d = (*policy)->Decide({"fire", "person/p", ""},
                                       "safeguard.v1.Referrals/GetReferral");
  ASSERT_TRUE(d.allowed);
  ASSERT_EQ(d.scopes.size(), 2u);
  EXPECT_TRUE(d.scopes[0].all);
  EXPECT_TRUE(d.scopes[0].roles == RoleSet{Role::kFireOfficer});
  EXPECT_FALSE(d.scopes[1].all);
  EXPECT_EQ(d.scopes[1].areas, std::vector<std::string>{"north"});
  EXPECT_TRUE(d.scopes[1].roles == RoleSet{Role::kSanctuaryCoordinator});
  // A referral in the south is seen only as a fire officer would see it.
  Referral south;
  south.kind = ReferralKind::kTargetHardening;
  south.area = "south";
  EXPECT_TRUE(RolesSeeing(south, d.scopes) == RoleSet{Role::kFireOfficer});
}

TEST(PolicyTest, FieldViewsKeepExactlyTheNamedFields) {
  FieldPaths paths;
  paths.Add("name");
  paths.Add("subjects.safe_contact");
  paths.Add("target_hardening.address");
  EXPECT_EQ(paths.Paths(),
            (std::vector<std::string>{"name", "subjects.safe_contact",
                                      "target_hardening.address"}));
  v1::Referral r;
  r.set_name("referrals/x");
  r.set_state("REFERRED");
  for (int i = 0; i < 2; ++i) {
    v1::Person* p = r.add_subjects();
    p->set_full_name("Someone");
    p->mutable_safe_contact()->set_times("mornings");
  }
  r.mutable_target_hardening()->mutable_address()->set_postcode("IP1 1AA");
  r.mutable_target_hardening()->set_fire_arson_risk(true);
  r.mutable_consent()->set_reason("why");
  ApplyFieldView(paths, &r);
  v1::Referral expected;
  expected.set_name("referrals/x");
  for (int i = 0; i < 2; ++i) {
    expected.add_subjects()->mutable_safe_contact()->set_times("mornings");
  }
  expected.mutable_target_hardening()->mutable_address()->set_postcode("IP1 1AA");
  EXPECT_EQ(r.DebugString(), expected.DebugString());

  v1::Referral none = r;
  ApplyFieldView(FieldPaths(), &none);
  EXPECT_EQ(none.ByteSizeLong(), 0u);
}

TEST(PolicyTest, ACorrectionsChangesShowOnlyWhereTheirFieldsShow) {
  FieldPaths view;
  view.Add("history");
  view.Add("subjects.safe_contact");
  view.Add("target_hardening");
  v1::Referral r;
  v1::TransitionRecord* step = r.add_history();
  step->set_action("correct");
  const struct {
    const char* path;
    bool shown;
  } cases[] = {
      {"subjects[0].date_of_birth", false},
      {"subjects[1].safe_contact", true},
      {"subjects", false},
      {"external_references", false},
      {"target_hardening.address", true},
      {"marac.perpetrator", false},
  };
  std::vector<std::string> shown;
  for (const auto& c : cases) {
    v1::FieldChange* change = step->add_changes();
    change->set_path(c.path);
    change->set_before("old");
    change->set_after("new");
    if (c.shown) shown.push_back(c.path);
  }
  ApplyReferralFieldView(view, &r);
  ASSERT_EQ(r.history_size(), 1);
  EXPECT_EQ(r.history(0).action(), "correct");
  std::vector<std::string> kept;
  for (const v1::FieldChange& c : r.history(0).changes()) {
    kept.push_back(c.path());
  }
  EXPECT_EQ(kept, shown);
}

}  // namespace
}  // namespace safeguard
