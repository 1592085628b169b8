// Person records (person_service.h) over the in-memory store and over a
// real SQLCipher file (the same cases, so the fake keeps the store's
// semantics): a search groups mentions by record; merges nest and an
// unmerge gives back what the record brought, its own mentions and those
// merged into it; a rejected pair is not proposed again; and each
// refusal's exact status.
#include "server/core/person_service.h"

#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "server/core/referral_kind.h"
#include "tests/testing/fake_store.h"
#include "tests/testing/memory_referral_store.h"
#include "tests/testing/open_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_key.h"

namespace safeguard {
namespace {

using ::safeguard::testing::IsOk;
using ::safeguard::testing::StatusIs;

const Date kBorn{1988, 4, 12};

enum class Store { kMemory, kSqlCipher };

class PersonServiceTest : public ::testing::TestWithParam<Store> {
 protected:
  void SetUp() override {
    ctx_.identity.agency = "suffolk-county-council";
    ctx_.identity.principal = "person/marac-coordinator";
    ctx_.audit = &audit_;
    if (GetParam() == Store::kMemory) {
      store_ = &memory_;
      units_ = &memory_;
    } else {
      auto opened = testing::OpenStore(dir_.File("people.db"),
                                       testing::TestKey(0x2b));
      ASSERT_TRUE(opened.ok()) << opened.status();
      opened_ = *std::move(opened);
      store_ = opened_.referrals.get();
      units_ = opened_.units.get();
    }
    service_ = std::make_unique<PersonService>(*store_, *units_, clock_);
  }

  // Stores a Channel referral about `name` and returns its person record.
  std::string Put(const std::string& id, const std::string& name) {
    Referral r;
    r.id = id;
    r.reference = "CHA-" + id;
    r.version = 1;
    r.kind = ReferralKind::kChannel;
    r.form = ChannelForm();
    Person p;
    p.full_name = name;
    p.date_of_birth = kBorn;
    r.subjects = {p};
    r.create_time = r.update_time = clock_.Now();
    clock_.Advance(absl::Hours(1));
    AuditRecord audit;
    EXPECT_THAT(units_->Write(audit,
                             [&](WriteTransaction& tx) -> absl::Status {
                               absl::Status s = tx.InsertReferral(r);
                               if (!s.ok()) return s;
                               return tx.IndexPeople(
                                   r, FindReferralKind(r.kind)->PeopleNamed(r));
                             }),
                IsOk());
    absl::StatusOr<std::string> person =
        store_->PersonOf({id, PersonRole::kSubject, 0});
    EXPECT_THAT(person, IsOk());
    return person.ok() ? *person : "";
  }

  std::vector<std::string> MentionsOf(const std::string& person) {
    absl::StatusOr<PersonView> view = service_->Get(person);
    EXPECT_THAT(view, IsOk());
    std::vector<std::string> out;
    if (!view.ok()) return out;
    for (const MentionRef& m : view->record.mentions) {
      out.push_back(m.referral_id);
    }
    return out;
  }

  int64_t VersionOf(const std::string& person) {
    absl::StatusOr<PersonView> view = service_->Get(person);
    return view.ok() ? view->record.version : -1;
  }

  testing::MemoryReferralStore memory_;
  testing::TempDir dir_;
  testing::OpenedStore opened_;
  ReferralStore* store_ = nullptr;
  UnitOfWork* units_ = nullptr;
  testing::FakeClock clock_{absl::FromUnixSeconds(1'790'000'000)};
  std::unique_ptr<PersonService> service_;
  AuditRecord audit_;
  CallContext ctx_;
};

TEST_P(PersonServiceTest, EachPersonNamedHasARecordOfItsOwn) {
  const std::string a = Put("r-a", "Alex Example");
  const std::string b = Put("r-b", "Alex Example");
  EXPECT_NE(a, b);
  EXPECT_EQ(MentionsOf(a), std::vector<std::string>{"r-a"});
  absl::StatusOr<PersonView> view = service_->Get(a);
  ASSERT_THAT(view, IsOk());
  EXPECT_EQ(view->record.version, 1);
  ASSERT_EQ(view->candidates.size(), 1u);
  EXPECT_EQ(view->candidates[0].person_id, b);
  EXPECT_EQ(view->candidates[0].match.score, 100);
  EXPECT_THAT(service_->Get("no-such-record"),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_P(PersonServiceTest, MergesNestAndAnUnmergeGivesBackWhatTheRecordBrought) {
  const std::string a = Put("r-a", "Alex Example");
  const std::string b = Put("r-b", "Alex Example");
  const std::string c = Put("r-c", "Alex Example");
  ASSERT_THAT(service_->Merge(ctx_, b, VersionOf(b), c), IsOk());
  EXPECT_EQ(audit_.people, (std::vector<std::string>{b, c}));
  EXPECT_EQ(audit_.disclosed, (std::vector<std::string>{"r-b", "r-c"}));
  EXPECT_TRUE(audit_.committed);
  audit_ = AuditRecord();
  absl::StatusOr<PersonView> merged = service_->Merge(ctx_, a, VersionOf(a), b);
  ASSERT_THAT(merged, IsOk());
  EXPECT_EQ(merged->record.mentions.size(), 3u);
  EXPECT_TRUE(merged->candidates.empty());  // a change answers without them
  ASSERT_EQ(merged->record.merged.size(), 1u);
  EXPECT_EQ(merged->record.merged[0].id, b);
  EXPECT_EQ(merged->record.merged[0].by,
            "suffolk-county-council/person/marac-coordinator");
  EXPECT_EQ(MentionsOf(b), std::vector<std::string>{});
  // Search finds one record now, holding every mention.
  PersonFacts alex;
  alex.full_name = "Alex Example";
  alex.date_of_birth = kBorn;
  absl::StatusOr<PeopleFound> found = service_->Search(alex, 10);
  ASSERT_THAT(found, IsOk());
  ASSERT_EQ(found->people.size(), 1u);
  EXPECT_EQ(found->people[0].person_id, a);
  EXPECT_EQ(found->people[0].mentions.size(), 3u);

  // Undoing b's merge gives b its own mention and c's (c stays in b).
  audit_ = AuditRecord();
  ASSERT_THAT(service_->Unmerge(ctx_, b), IsOk());
  EXPECT_EQ(audit_.people, (std::vector<std::string>{b, a}));
  EXPECT_EQ(MentionsOf(a), std::vector<std::string>{"r-a"});
  EXPECT_EQ(MentionsOf(b), (std::vector<std::string>{"r-c", "r-b"}));
  EXPECT_EQ(MentionsOf(c), std::vector<std::string>{});
  absl::StatusOr<PersonView> b_now = service_->Get(b);
  ASSERT_THAT(b_now, IsOk());
  EXPECT_EQ(b_now->record.merged_into.id, "");
  ASSERT_EQ(b_now->record.merged.size(), 1u);
  EXPECT_EQ(b_now->record.merged[0].id, c);
}

TEST_P(PersonServiceTest, AnOlderExactNameIsFoundPastManyLooseMatches) {
  // Robinson and Atkinson share the key of a surname's last three letters
  // with the given name ("z:son:john"); 60 newer Atkinsons fill any one
  // lookup's 50, and the exact name must still be found.
  const std::string robinson = Put("r-0000", "John Robinson");
  for (int i = 1; i <= 60; ++i) {
    Put(absl::StrFormat("r-%04d", i), "John Atkinson");
  }
  PersonFacts query;
  query.full_name = "John Robinson";
  query.date_of_birth = kBorn;
  absl::StatusOr<PeopleFound> found = service_->Search(query, 10);
  ASSERT_THAT(found, IsOk());
  ASSERT_EQ(found->people.size(), 1u);
  EXPECT_EQ(found->people[0].person_id, robinson);
  EXPECT_EQ(found->people[0].match.score, 100);
}

// The store under test, counting the referrals read through it.
class CountingStore final : public ReferralStore {
 public:
  explicit CountingStore(ReferralStore& base) : base_(base) {}
  int gets = 0;

  absl::StatusOr<Referral> Get(const std::string& id) override {
    ++gets;
    return base_.Get(id);
  }
  absl::StatusOr<QueuePage> List(const QueueQuery& query) override {
    return base_.List(query);
  }
  absl::StatusOr<std::vector<std::string>> FindMentions(
      ReferralKind kind, PersonRole role, const PersonFacts& person,
      int limit) override {
    return base_.FindMentions(kind, role, person, limit);
  }
  absl::StatusOr<PersonRecord> GetPerson(const std::string& id) override {
    return base_.GetPerson(id);
  }
  absl::StatusOr<std::string> PersonOf(const MentionRef& mention) override {
    return base_.PersonOf(mention);
  }

 private:
  ReferralStore& base_;
};

TEST_P(PersonServiceTest, ANameAloneFindsThoseMentionedLastReadingOnlyThem) {
  std::vector<std::string> people;  // oldest first
  for (int i = 0; i < 30; ++i) {
    people.push_back(Put(absl::StrFormat("s-%04d", i), "John Smith"));
  }
  Put("s-0030", "John Smyth");  // a spelling variant: no candidate alone
  // The newest Smith's record holds an old mention too, past the page.
  ASSERT_THAT(service_->Merge(ctx_, people[29], VersionOf(people[29]),
                              people[10]),
              IsOk());
  CountingStore counting(*store_);
  PersonService service(counting, *units_, clock_);
  PersonFacts query;
  query.full_name = "John Smith";
  absl::StatusOr<PeopleFound> found = service.Search(query, 10);
  ASSERT_THAT(found, IsOk());
  std::vector<std::string> ids, mentioned;
  for (const PersonCandidate& c : found->people) {
    ids.push_back(c.person_id);
    EXPECT_EQ(c.match.score, kCandidateScore);
    for (const MentionRef& m : c.mentions) mentioned.push_back(m.referral_id);
  }
  EXPECT_EQ(ids, std::vector<std::string>(people.rbegin(), people.rbegin() + 10));
  // Only the mentions in the referrals read: s-0010's is not among them.
  EXPECT_EQ(mentioned,
            (std::vector<std::string>{"s-0029", "s-0028", "s-0027", "s-0026",
                                      "s-0025", "s-0024", "s-0023", "s-0022",
                                      "s-0021", "s-0020"}));
  // The Smyth (newest, sharing a key) and the ten Smiths.
  EXPECT_EQ(counting.gets, 11);
  EXPECT_EQ(found->referrals.size(), 11u);
  // Read through: the merged record holds both.
  EXPECT_EQ(MentionsOf(people[29]),
            (std::vector<std::string>{"s-0029", "s-0010"}));

  // With a date of birth, candidates score apart: every referral is read
  // and ranked, the Smyth's too (80 to the Smiths' 100).
  counting.gets = 0;
  query.date_of_birth = kBorn;
  found = service.Search(query, 10);
  ASSERT_THAT(found, IsOk());
  ASSERT_EQ(found->people.size(), 10u);
  EXPECT_EQ(found->people[0].person_id, people.back());
  EXPECT_EQ(found->people[0].match.score, 100);
  EXPECT_EQ(counting.gets, 31);
}

TEST_P(PersonServiceTest, ARejectedPairIsNotProposedAgain) {
  const std::string a = Put("r-a", "Alex Example");
  const std::string b = Put("r-b", "Alex Example");
  const std::string c = Put("r-c", "Alex Example");
  ASSERT_THAT(service_->Reject(ctx_, a, b), IsOk());
  absl::StatusOr<PersonView> view = service_->Get(a);
  ASSERT_THAT(view, IsOk());
  EXPECT_EQ(view->record.rejected, std::vector<std::string>{b});
  ASSERT_EQ(view->candidates.size(), 1u);
  EXPECT_EQ(view->candidates[0].person_id, c);
  // Once c is merged into b, the rejection holds against c's mentions too:
  // b's record stands for both.
  ASSERT_THAT(service_->Merge(ctx_, b, VersionOf(b), c), IsOk());
  view = service_->Get(a);
  ASSERT_THAT(view, IsOk());
  EXPECT_TRUE(view->candidates.empty());
  // Rejecting again changes nothing.
  audit_ = AuditRecord();
  const int64_t version = VersionOf(a);
  ASSERT_THAT(service_->Reject(ctx_, a, b), IsOk());
  EXPECT_FALSE(audit_.committed);
  EXPECT_EQ(VersionOf(a), version);
}

TEST_P(PersonServiceTest, Refusals) {
  const std::string a = Put("r-a", "Alex Example");
  const std::string b = Put("r-b", "Alex Example");
  const std::string c = Put("r-c", "Alex Example");
  ASSERT_THAT(service_->Merge(ctx_, b, VersionOf(b), c), IsOk());
  const struct {
    const char* name;
    absl::Status status;
    absl::StatusCode code;
    const char* message;
  } cases[] = {
      {"merge into itself", service_->Merge(ctx_, a, VersionOf(a), a).status(),
       absl::StatusCode::kInvalidArgument, "other"},
      {"merge at a stale version",
       service_->Merge(ctx_, a, VersionOf(a) - 1, b).status(),
       absl::StatusCode::kAborted,
       "the person record has changed; read it again and retry"},
      {"merge a merged record", service_->Merge(ctx_, a, VersionOf(a), c).status(),
       absl::StatusCode::kFailedPrecondition,
       "the other record was merged into another already"},
      {"merge into a merged record",
       service_->Merge(ctx_, c, VersionOf(c), a).status(),
       absl::StatusCode::kFailedPrecondition,
       "the record to keep was merged into another; merge into that one"},
      {"merge an unknown record",
       service_->Merge(ctx_, a, VersionOf(a), "nobody").status(),
       absl::StatusCode::kNotFound, "no such person record"},
      {"unmerge a record never merged", service_->Unmerge(ctx_, a).status(),
       absl::StatusCode::kFailedPrecondition,
       "the record was not merged into another"},
      {"unmerge an unknown record", service_->Unmerge(ctx_, "nobody").status(),
       absl::StatusCode::kNotFound, "no such person record"},
      {"reject itself", service_->Reject(ctx_, a, a).status(),
       absl::StatusCode::kInvalidArgument, "other"},
      {"reject a merged record", service_->Reject(ctx_, a, c).status(),
       absl::StatusCode::kFailedPrecondition,
       "a record merged into another cannot be compared: use the record it "
       "was merged into"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.status.code(), c.code) << c.name << ": " << c.status;
    if (c.code == absl::StatusCode::kInvalidArgument) {
      ASSERT_EQ(FieldViolations(c.status).size(), 1u) << c.name;
      EXPECT_EQ(FieldViolations(c.status)[0].field, c.message) << c.name;
    } else {
      EXPECT_EQ(c.status.message(), c.message) << c.name;
    }
  }
}

// A search asks each kind's index only for the roles it names: every
// person PeopleNamed() gives is in a role RolesNamed() lists.
TEST(RolesNamedTest, EachKindNamesPeopleOnlyInItsRoles) {
  for (const ReferralKindModule* kind : ReferralKinds()) {
    Referral r;
    r.kind = kind->kind();
    r.subjects.resize(2);
    r.subjects[0].full_name = "Alex Example";
    r.subjects[1].full_name = "Sam Example";
    switch (kind->kind()) {
      case ReferralKind::kNrm: r.form = NrmForm(); break;
      case ReferralKind::kChannel: r.form = ChannelForm(); break;
      case ReferralKind::kTargetHardening: r.form = TargetHardeningForm(); break;
      default: {
        MaracForm f;
        f.perpetrator.full_name = "Pat Example";
        f.children.push_back({"Kim Example", {}, ""});
        r.form = f;
      }
    }
    std::set<PersonRole> named;
    for (const NamedPerson& p : kind->PeopleNamed(r)) named.insert(p.role);
    const absl::Span<const PersonRole> roles = kind->RolesNamed();
    EXPECT_EQ(named, std::set<PersonRole>(roles.begin(), roles.end()))
        << ReferralKindName(kind->kind());
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, PersonServiceTest,
                         ::testing::Values(Store::kMemory, Store::kSqlCipher),
                         [](const ::testing::TestParamInfo<Store>& info) {
                           return info.param == Store::kMemory ? "Memory"
                                                               : "SqlCipher";
                         });

}  // namespace
}  // namespace safeguard
