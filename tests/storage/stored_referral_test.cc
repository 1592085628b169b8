// The store's own referral format (safeguard.storage.v1.StoredReferral)
// carries over what schema 7 stored: tests/data/schema-7.db was written by
// safeguardd 0.1.0 at schema 7, when bodies were serialized
// safeguard.v1.Referrals, through the real server (keyed by TestKey(0x2a)):
// an NRM referral given its SCA reference, an anonymous Duty to Notify, a
// Channel referral referred to panel with a VAF scoring, two MARAC
// referrals (one being screened), and a target-hardening job accepted,
// assigned to a locksmith and given a note.
#include "server/storage/stored_referral.h"

#include <filesystem>
#include <map>
#include <string>

#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "safeguard/v1/referral.pb.h"
#include "server/convert/referral_convert.h"
#include "server/storage/database.h"
#include "server/storage/migrations.h"
#include "server/storage/sqlcipher_unit_of_work.h"
#include "tests/testing/open_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_key.h"

namespace safeguard {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::safeguard::testing::OpenStore;
using ::safeguard::testing::TempDir;
using ::safeguard::testing::TestKey;

constexpr uint8_t kFixtureKey = 0x2a;

// The fixture, copied so that opening it may migrate the copy.
std::string CopyOfFixture(const TempDir& dir) {
  const std::string copy = dir.File("safeguard.db");
  std::filesystem::copy_file(
      std::string(SAFEGUARD_SOURCE_DIR) + "/tests/data/schema-7.db", copy);
  return copy;
}

// Every referral as schema 7 wrote it: the body read as the API message it
// was, by id.
std::map<std::string, Referral> AsWritten(const std::string& path) {
  std::map<std::string, Referral> out;
  Database::Options options;
  options.create_if_missing = false;
  auto db = Database::Open(path, TestKey(kFixtureKey), options);
  EXPECT_TRUE(db.ok()) << db.status();
  if (!db.ok()) return out;
  EXPECT_EQ(ReadSchemaVersion(**db).value_or(-1), 7);
  auto rows = (*db)->Prepare("SELECT id, body FROM referrals ORDER BY id;");
  EXPECT_TRUE(rows.ok()) << rows.status();
  while (rows.ok() && rows->Step().value_or(false)) {
    v1::Referral written;
    const absl::string_view body = rows->ColumnView(1);
    EXPECT_TRUE(
        written.ParseFromArray(body.data(), static_cast<int>(body.size())));
    out[rows->ColumnText(0)] = FromProto(written);
  }
  return out;
}

// The same referral, compared field by field through one message.
bool Same(const Referral& a, const Referral& b, std::string* difference) {
  v1::Referral pa, pb;
  ToProto(a, &pa);
  ToProto(b, &pb);
  MessageDifferencer differ;
  differ.ReportDifferencesToString(difference);
  return differ.Compare(pa, pb);
}

TEST(StoredReferralTest, ADatabaseOfSchema7ReadsAsItWasWritten) {
  TempDir dir;
  const std::string path = CopyOfFixture(dir);
  const std::map<std::string, Referral> written = AsWritten(path);
  ASSERT_EQ(written.size(), 6u);

  auto opened = OpenStore(path, TestKey(kFixtureKey));
  ASSERT_TRUE(opened.ok()) << opened.status();
  std::map<std::string, int> kinds;
  for (const auto& [id, before] : written) {
    absl::StatusOr<Referral> now = opened->referrals->Get(id);
    ASSERT_TRUE(now.ok()) << id << ": " << now.status();
    std::string difference;
    EXPECT_TRUE(Same(before, *now, &difference)) << id << ": " << difference;
    EXPECT_EQ(now->id, id);
    ++kinds[std::string(ReferralKindName(now->kind))];
  }
  EXPECT_EQ(kinds, (std::map<std::string, int>{{"CHANNEL", 1},
                                                {"MARAC", 2},
                                                {"NRM", 2},
                                                {"TARGET_HARDENING", 1}}));

  // What each kind's workflow recorded is there, read the new way.
  int checked = 0;
  for (const auto& [id, before] : written) {
    const Referral now = *opened->referrals->Get(id);
    if (const auto* th = std::get_if<TargetHardeningForm>(&now.form)) {
      EXPECT_EQ(now.state, "ACCEPTED");
      EXPECT_EQ(now.assignee, "safe-partnership/person/locksmith");
      ASSERT_EQ(now.notes.size(), 1u);
      EXPECT_EQ(now.notes[0].text, "Side gate is locked; call first.");
      EXPECT_EQ(th->measures_requested,
                (std::vector<SecurityMeasure>{SecurityMeasure::kLocks,
                                              SecurityMeasure::kLetterboxPlate}));
      EXPECT_EQ(th->tenure, Tenure::kSocialRent);
      ++checked;
    } else if (const auto* channel = std::get_if<ChannelForm>(&now.form)) {
      EXPECT_EQ(now.state, "PANEL");
      ASSERT_EQ(channel->vaf_assessments.size(), 1u);
      EXPECT_EQ(channel->vaf_assessments[0].factor_scores.size(), 22u);
      EXPECT_EQ(channel->vaf_assessments[0].engagement_total, 18);
      ++checked;
    } else if (const auto* nrm = std::get_if<NrmForm>(&now.form)) {
      if (nrm->nature == NrmNature::kDutyToNotify) {
        EXPECT_EQ(now.state, "DTN_SUBMITTED");
        ASSERT_EQ(now.subjects.size(), 1u);
        EXPECT_EQ(now.subjects[0].full_name, "");
        EXPECT_EQ(now.consent.legal_basis, LegalBasis::kModernSlaveryActS52);
      } else {
        EXPECT_EQ(now.state, "REF_ASSIGNED");
        ASSERT_EQ(now.external_references.size(), 1u);
        EXPECT_EQ(now.external_references[0].system, ExternalSystem::kNrmCase);
        EXPECT_TRUE(now.has_deadline());
      }
      ++checked;
    } else if (const auto* marac = std::get_if<MaracForm>(&now.form)) {
      EXPECT_EQ(marac->dash.answers.size(), 24u);
      if (marac->dash_score == 14) {
        EXPECT_EQ(now.state, "COORDINATOR_SCREEN");
        EXPECT_EQ(marac->criteria,
                  std::vector<MaracCriterion>{MaracCriterion::kVisibleHighRisk});
      } else {
        EXPECT_EQ(marac->dash_score, 3);
        EXPECT_EQ(marac->criteria,
                  std::vector<MaracCriterion>{MaracCriterion::kRepeat});
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 6);
}

TEST(StoredReferralTest, ABodyWrittenNowReadsBackTheSame) {
  TempDir dir;
  const std::string path = CopyOfFixture(dir);
  const std::map<std::string, Referral> written = AsWritten(path);
  auto opened = OpenStore(path, TestKey(kFixtureKey));
  ASSERT_TRUE(opened.ok()) << opened.status();
  // Each referral rewritten in the store's format, with a change.
  for (const auto& [id, before] : written) {
    Referral changed = before;
    const int64_t expected = before.version;
    changed.version = expected + 1;
    changed.notes.push_back({"agency/person/x", absl::FromUnixSeconds(1),
                             "rewritten"});
    if (auto* marac = std::get_if<MaracForm>(&changed.form)) {
      using V = VictimCharacteristics;
      marac->victim.age_band = V::AgeBand::k65OrOver;
      marac->victim.sex = V::Sex::kMale;
      marac->victim.ethnicity_group = V::EthnicityGroup::kMixed;
      marac->victim.disability = V::Answer::kYes;
      marac->victim.lgbt = V::Answer::kPreferNotToSay;
    }
    AuditRecord audit;
    SAFEGUARD_ASSERT_OK(opened->units->Write(audit, [&](WriteTransaction& tx) {
      return tx.UpdateReferral(changed, expected);
    }));
    absl::StatusOr<Referral> now = opened->referrals->Get(id);
    ASSERT_TRUE(now.ok()) << now.status();
    std::string difference;
    EXPECT_TRUE(Same(changed, *now, &difference)) << id << ": " << difference;
  }
}

// A number a later build wrote (a measure, a tenure, a kind this build does
// not name) is read and written back as it was.
TEST(StoredReferralTest, ANumberThisBuildDoesNotNameIsKeptAsItIs) {
  storage::v1::StoredReferral stored;
  stored.set_name("referrals/x");
  stored.set_kind(9);
  stored.set_priority(3);
  stored.mutable_consent()->set_status(1);
  stored.mutable_target_hardening()->add_measures_requested(1);
  stored.mutable_target_hardening()->add_measures_requested(12);
  stored.mutable_target_hardening()->set_tenure(7);
  stored.mutable_target_hardening()->mutable_address()->add_lines("1 Row");
  const Referral read = FromStored(stored);
  EXPECT_EQ(static_cast<int>(read.kind), 9);
  storage::v1::StoredReferral again;
  ToStored(read, &again);
  std::string difference;
  MessageDifferencer differ;
  differ.ReportDifferencesToString(&difference);
  // The consent message is always written; the rest is as it came.
  stored.mutable_consent();
  EXPECT_TRUE(differ.Compare(stored, again)) << difference;
}

}  // namespace
}  // namespace safeguard
