#include "server/storage/sqlcipher_referral_store.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "server/core/person_match.h"
#include "server/core/status_macros.h"
#include "server/storage/sqlcipher_audit_log.h"
#include "tests/testing/open_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_key.h"

namespace safeguard {
namespace {

using ::safeguard::testing::IsOkAndHolds;
using ::safeguard::testing::OpenStore;
using ::safeguard::testing::StatusIs;
using ::safeguard::testing::TempDir;

const absl::Time kT0 = absl::FromUnixSeconds(1'790'000'000);

class ReferralStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = OpenStore(dir_.File("db"), testing::TestKey(7));
    ASSERT_TRUE(opened.ok()) << opened.status();
    opened_ = *std::move(opened);
  }
  ReferralStore& store() { return *opened_.referrals; }
  UnitOfWork& units() { return *opened_.units; }

  // Stores `r` numbered in `prefix`, with `audit`.
  absl::StatusOr<std::string> Insert(Referral r, const std::string& prefix,
                                     AuditRecord& audit) {
    std::string reference;
    absl::Status done = units().Write(audit, [&](WriteTransaction& tx) {
      absl::StatusOr<std::string> next = tx.NextReference(prefix);
      if (!next.ok()) return next.status();
      reference = *next;
      r.reference = reference;
      return tx.InsertReferral(r);
    });
    if (!done.ok()) return done;
    return reference;
  }

  static Referral Make(const std::string& id, int hours_to_deadline,
                       Priority priority = Priority::kStandard,
                       const std::string& agency = "suffolk-police",
                       const std::string& area = "ipswich") {
    Referral r;
    r.id = id;
    r.kind = ReferralKind::kChannel;
    r.state = "RECEIVED";
    r.version = 1;
    r.referring_agency = agency;
    r.referrer = "system/athena";
    r.area = area;
    r.priority = priority;
    r.deadline = kT0 + absl::Hours(hours_to_deadline);
    r.create_time = kT0;
    r.update_time = kT0;
    ChannelForm form;
    form.concern = "concern " + id;
    r.form = form;
    return r;
  }

  std::string Create(const Referral& r) {
    AuditRecord audit;
    absl::StatusOr<std::string> reference = Insert(r, "CHA-2026", audit);
    EXPECT_TRUE(reference.ok()) << reference.status();
    return reference.ok() ? *reference : "";
  }

  static QueueQuery All(QueueOrder order = QueueOrder::kByDeadline) {
    QueueQuery q;
    q.order = order;
    VisibilityScope everything;
    everything.all = true;
    q.scopes = {everything};
    return q;
  }

  static std::vector<std::string> Ids(const QueuePage& page) {
    std::vector<std::string> ids;
    for (const Referral& r : page.referrals) ids.push_back(r.id);
    return ids;
  }

  TempDir dir_;
  testing::OpenedStore opened_;
};

TEST_F(ReferralStoreTest, CreateNumbersReferencesAndRoundTrips) {
  EXPECT_EQ(Create(Make("a", 5)), "CHA-2026-000001");
  EXPECT_EQ(Create(Make("b", 5)), "CHA-2026-000002");
  AuditRecord audit;
  EXPECT_THAT(Insert(Make("c", 5), "MAR-2026", audit),
              IsOkAndHolds("MAR-2026-000001"));

  auto got = store().Get("b");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->reference, "CHA-2026-000002");
  EXPECT_EQ(got->deadline, kT0 + absl::Hours(5));
  EXPECT_EQ(std::get<ChannelForm>(got->form).concern, "concern b");
  EXPECT_THAT(store().Get("zzz"), StatusIs(absl::StatusCode::kNotFound));
}

// Counts the writes the store reports failed (the server pauses writes on
// one).
class CountingGate final : public SharedDatabase::WriteGate {
 public:
  absl::Status Admit() override { return absl::OkStatus(); }
  void Failed(const absl::Status&) override { ++failed; }
  int failed = 0;
};

// A body's own refusal, whatever its code, keeps nothing it did and is not
// taken for a failure of the store.
TEST_F(ReferralStoreTest, AFailedBodyKeepsNothingItDid) {
  CountingGate gate;
  opened_.db->set_write_gate(&gate);
  Create(Make("a", 5));
  AuditRecord audit;
  absl::Status refused = units().Write(audit, [&](WriteTransaction& tx) {
    Referral b = Make("b", 5);
    absl::StatusOr<std::string> next = tx.NextReference("CHA-2026");
    if (!next.ok()) return next.status();
    b.reference = *next;
    absl::Status inserted = tx.InsertReferral(b);
    if (!inserted.ok()) return inserted;
    inserted = tx.RecordSubmission("agency/req-b", {"fp-b", "b"});
    if (!inserted.ok()) return inserted;
    return absl::FailedPreconditionError("refused after writing");
  });
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kFailedPrecondition,
                                "refused after writing"));
  EXPECT_FALSE(audit.committed);
  EXPECT_EQ(gate.failed, 0);
  EXPECT_THAT(store().Get("b"), StatusIs(absl::StatusCode::kNotFound));
  // Neither the reference number nor the submission was kept.
  EXPECT_EQ(Create(Make("c", 5)), "CHA-2026-000002");
  std::optional<SubmissionRecord> seen;
  SAFEGUARD_ASSERT_OK(units().Write(audit, [&](WriteTransaction& tx) {
    absl::StatusOr<std::optional<SubmissionRecord>> found =
        tx.FindSubmission("agency/req-b");
    if (!found.ok()) return found.status();
    seen = *found;
    return absl::OkStatus();
  }));
  EXPECT_FALSE(seen.has_value());
  opened_.db->set_write_gate(nullptr);
}

TEST_F(ReferralStoreTest, SubmissionsAndThePersonIndexAreRemembered) {
  Referral first = Make("first", 10);
  Referral second = Make("second", 10);
  second.create_time = kT0 + absl::Hours(2);
  Person jon;
  jon.full_name = "Jon Example";
  jon.date_of_birth = {1988, 4, 12};
  first.subjects = {jon};
  second.subjects = {jon};
  Create(first);
  Create(second);
  PersonFacts facts = FactsOf(jon, kT0);
  AuditRecord audit;
  std::optional<SubmissionRecord> submission;
  SAFEGUARD_ASSERT_OK(units().Write(audit, [&](WriteTransaction& tx) {
    absl::Status s = tx.RecordSubmission("agency/req-1", {"fp-1", "first"});
    if (s.ok()) s = tx.IndexPeople(first, {{PersonRole::kSubject, 0, facts}});
    if (s.ok()) s = tx.IndexPeople(second, {{PersonRole::kSubject, 0, facts}});
    return s;
  }));
  EXPECT_TRUE(audit.committed);
  std::vector<std::string> found, as_perpetrator, other_kind, limited;
  AuditRecord read;
  SAFEGUARD_ASSERT_OK(units().Write(read, [&](WriteTransaction& tx) {
    auto seen = tx.FindSubmission("agency/req-1");
    if (!seen.ok()) return seen.status();
    submission = *seen;
    PersonFacts john = facts;
    john.full_name = "John Example";  // the same formal given name
    auto all = tx.FindMentions(ReferralKind::kChannel, PersonRole::kSubject,
                               john, 10);
    if (!all.ok()) return all.status();
    found = *all;
    auto perp = tx.FindMentions(ReferralKind::kChannel,
                                PersonRole::kPerpetrator, john, 10);
    if (!perp.ok()) return perp.status();
    as_perpetrator = *perp;
    auto nrm = tx.FindMentions(ReferralKind::kNrm, PersonRole::kSubject, john, 10);
    if (!nrm.ok()) return nrm.status();
    other_kind = *nrm;
    auto one = tx.FindMentions(ReferralKind::kChannel, PersonRole::kSubject,
                               john, 1);
    if (!one.ok()) return one.status();
    limited = *one;
    return absl::OkStatus();
  }));
  // A body that changed nothing commits no entry.
  EXPECT_FALSE(read.committed);
  ASSERT_TRUE(submission.has_value());
  EXPECT_EQ(submission->fingerprint, "fp-1");
  EXPECT_EQ(submission->referral_id, "first");
  // Newest first; by role and kind.
  EXPECT_EQ(found, (std::vector<std::string>{"second", "first"}));
  EXPECT_TRUE(as_perpetrator.empty());
  EXPECT_TRUE(other_kind.empty());
  EXPECT_EQ(limited, std::vector<std::string>{"second"});

  // The index holds numbers (keyed hashes), never a name or date in clear.
  int64_t rows = -1, numbers = -1;
  SAFEGUARD_ASSERT_OK(opened_.db->With([&](Database& db) -> absl::Status {
    auto count = db.Prepare(
        "SELECT count(*), sum(typeof(key_hash) = 'integer' AND "
        "typeof(birth) = 'integer') FROM (SELECT key_hash, birth FROM "
        "person_mentions UNION ALL SELECT key_hash, birth FROM "
        "person_mentions_new);");
    if (!count.ok()) return count.status();
    auto row = count->Step();
    if (!row.ok()) return row.status();
    rows = count->ColumnInt64(0);
    numbers = count->ColumnInt64(1);
    return absl::OkStatus();
  }));
  EXPECT_EQ(rows, static_cast<int64_t>(2 * MatchKeys(facts).size()));
  EXPECT_EQ(numbers, rows);

  // A referral indexed again keeps only its new people.
  AuditRecord again;
  SAFEGUARD_ASSERT_OK(units().Write(again, [&](WriteTransaction& tx) {
    return tx.IndexPeople(first, {});
  }));
  AuditRecord read_again;
  SAFEGUARD_ASSERT_OK(units().Write(read_again, [&](WriteTransaction& tx) {
    auto all = tx.FindMentions(ReferralKind::kChannel, PersonRole::kSubject,
                               facts, 10);
    if (!all.ok()) return all.status();
    found = *all;
    return absl::OkStatus();
  }));
  EXPECT_EQ(found, std::vector<std::string>{"second"});
}

// The people a lookup is given and the index holds, by their dates of
// birth: r1..r9 each name one subject "John Example" (r9 two).
TEST_F(ReferralStoreTest, ThePersonIndexRulesOutDatesOfBirthThatDisagree) {
  const auto person = [](Date dob, int age = 0) {
    PersonFacts p;
    p.full_name = "John Example";
    p.date_of_birth = dob;
    p.approximate_age = age;
    p.age_on = absl::CivilDay(2026, 9, 1);
    return p;
  };
  PersonFacts with_nhs = person({1975, 1, 1});
  with_nhs.identifiers = {{PersonIdentifierType::kNhsNumber, "9434765919"}};
  const std::vector<std::pair<std::string, std::vector<PersonFacts>>> stored = {
      {"r1", {person({1988, 4, 12})}},
      {"r2", {person({1988, 4, 13})}},
      {"r3", {person({1988, 4, 0})}},
      {"r4", {person({1988, 0, 0})}},
      {"r5", {person({1987, 4, 12})}},
      {"r6", {person({})}},
      {"r7", {person({}, 38)}},
      {"r8", {with_nhs}},
      // Two people sharing keys in one role, born apart: nothing is ruled
      // out by the row they share.
      {"r9", {person({1990, 1, 1}), person({1991, 1, 1})}},
  };
  for (const auto& [id, people] : stored) Create(Make(id, 10));
  AuditRecord audit;
  SAFEGUARD_ASSERT_OK(units().Write(audit, [&](WriteTransaction& tx) {
    for (const auto& [id, people] : stored) {
      const Referral r = Make(id, 10);
      std::vector<NamedPerson> named;
      for (const PersonFacts& p : people) {
        named.push_back({PersonRole::kSubject, static_cast<int>(named.size()), p});
      }
      SAFEGUARD_RETURN_IF_ERROR(tx.IndexPeople(r, named));
    }
    return absl::OkStatus();
  }));
  PersonFacts full_with_nhs = person({1988, 4, 12});
  full_with_nhs.identifiers = with_nhs.identifiers;
  struct Case {
    std::string name;
    PersonFacts query;
    std::vector<std::string> found;
  };
  const std::vector<Case> cases = {
      {"full date", person({1988, 4, 12}),
       {"r9", "r7", "r6", "r4", "r3", "r1"}},
      {"year and month", person({1988, 4, 0}),
       {"r9", "r7", "r6", "r4", "r3", "r2", "r1"}},
      {"year", person({1987, 0, 0}), {"r9", "r7", "r6", "r5"}},
      {"no date", person({}),
       {"r9", "r8", "r7", "r6", "r5", "r4", "r3", "r2", "r1"}},
      {"approximate age only", person({}, 30),
       {"r9", "r8", "r7", "r6", "r5", "r4", "r3", "r2", "r1"}},
      // The identifier's key finds r8 whatever its date, and first.
      {"full date and an identifier", full_with_nhs,
       {"r8", "r9", "r7", "r6", "r4", "r3", "r1"}},
  };
  for (const Case& c : cases) {
    AuditRecord read;
    std::vector<std::string> found;
    SAFEGUARD_ASSERT_OK(units().Write(read, [&](WriteTransaction& tx) {
      SAFEGUARD_ASSIGN_OR_RETURN(
          found, tx.FindMentions(ReferralKind::kChannel, PersonRole::kSubject,
                                 c.query, 20));
      return absl::OkStatus();
    }));
    EXPECT_EQ(found, c.found) << c.name;
    auto read_side = store().FindMentions(ReferralKind::kChannel,
                                          PersonRole::kSubject, c.query, 20);
    EXPECT_THAT(read_side, IsOkAndHolds(c.found)) << c.name;
  }
}

// A person record's id starts with its creation time, so that new records
// sort after older ones and are written side by side.
TEST_F(ReferralStoreTest, PersonRecordIdsSortByCreationTime) {
  Referral earlier = Make("r-earlier", 10);
  Referral later = Make("r-later", 10);
  later.update_time = kT0 + absl::Milliseconds(1);
  Create(earlier);
  Create(later);
  PersonFacts someone;
  someone.full_name = "Jo Example";
  AuditRecord audit;
  SAFEGUARD_ASSERT_OK(units().Write(audit, [&](WriteTransaction& tx) {
    SAFEGUARD_RETURN_IF_ERROR(
        tx.IndexPeople(later, {{PersonRole::kSubject, 0, someone}}));
    return tx.IndexPeople(earlier, {{PersonRole::kSubject, 0, someone}});
  }));
  absl::StatusOr<std::string> first =
      store().PersonOf({"r-earlier", PersonRole::kSubject, 0});
  absl::StatusOr<std::string> second =
      store().PersonOf({"r-later", PersonRole::kSubject, 0});
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->size(), 32u);
  EXPECT_EQ(first->substr(0, 12), absl::StrCat(absl::Hex(
                                      absl::ToUnixMillis(kT0), absl::kZeroPad12)));
  EXPECT_EQ(second->substr(0, 12),
            absl::StrCat(absl::Hex(absl::ToUnixMillis(kT0) + 1, absl::kZeroPad12)));
  EXPECT_LT(*first, *second);
}

TEST_F(ReferralStoreTest, UpdatesNeedTheCurrentVersion) {
  Create(Make("a", 5));
  Referral r = *store().Get("a");
  auto update = [&](const Referral& changed, int64_t expected) {
    AuditRecord audit;
    return units().Write(audit, [&](WriteTransaction& tx) {
      return tx.UpdateReferral(changed, expected);
    });
  };
  r.state = "POLICE_GATEWAY";
  r.version = 2;
  SAFEGUARD_ASSERT_OK(update(r, 1));
  r.state = "NFA";
  r.version = 2;
  EXPECT_THAT(update(r, 1),
              StatusIs(absl::StatusCode::kAborted,
                       "the referral has changed (version 2, not 1); read it "
                       "again and retry"));
  EXPECT_EQ(store().Get("a")->state, "POLICE_GATEWAY");
  EXPECT_THAT(update(Make("nope", 1), 1),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ReferralStoreTest, QueueOrdersAndPagesStablyWhileReferralsArrive) {
  for (int i = 0; i < 30; ++i) {
    Create(Make(absl::StrCat("r", 100 + i), (i * 7) % 30,
                static_cast<Priority>(1 + i % 4)));
  }
  std::set<std::string> seen;
  QueueQuery q = All(QueueOrder::kByPriority);
  q.page_size = 4;
  int pages = 0;
  int64_t last_priority = 99, last_deadline = -1;
  while (true) {
    auto page = store().List(q);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const Referral& r : page->referrals) {
      EXPECT_TRUE(seen.insert(r.id).second) << "repeated " << r.id;
      QueueCursor k = CursorOf(r);
      ASSERT_TRUE(k.priority < last_priority ||
                  (k.priority == last_priority && k.deadline_us >= last_deadline))
          << r.id;
      last_priority = k.priority;
      last_deadline = k.deadline_us;
    }
    // New referrals arrive between pages: some sort before the cursor,
    // some after; none of the original set may be skipped or repeated.
    Create(Make(absl::StrCat("new", pages), pages % 2 ? -100 : 1000,
                pages % 2 ? Priority::kCritical : Priority::kStandard));
    ++pages;
    if (!page->next.has_value()) break;
    q.after = page->next;
  }
  for (int i = 0; i < 30; ++i) {
    EXPECT_TRUE(seen.count(absl::StrCat("r", 100 + i))) << i;
  }
}

TEST_F(ReferralStoreTest, AnAreaQueuePagesInDeadlineOrder) {
  // Two areas interleaved, with tied deadlines: the area's page comes from
  // its own index, ordered by deadline then id, across page boundaries.
  std::vector<std::pair<int64_t, std::string>> want;
  for (int i = 0; i < 20; ++i) {
    const std::string area = i % 2 ? "babergh" : "ipswich";
    const std::string id = absl::StrCat("r", 200 + i);
    Referral r = Make(id, (i * 7) % 5, Priority::kStandard, "suffolk-police", area);
    Create(r);
    if (area == "babergh") want.emplace_back(absl::ToUnixMicros(r.deadline), id);
  }
  std::sort(want.begin(), want.end());
  std::vector<std::string> want_ids;
  for (const auto& [deadline, id] : want) want_ids.push_back(id);

  QueueQuery q = All();
  q.area = "babergh";
  q.page_size = 3;
  std::vector<std::string> got;
  while (true) {
    auto page = store().List(q);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const std::string& id : Ids(*page)) got.push_back(id);
    if (!page->next.has_value()) break;
    q.after = page->next;
  }
  EXPECT_EQ(got, want_ids);
}

TEST_F(ReferralStoreTest, ScopesAndFiltersRestrictTheQueue) {
  Create(Make("police-ipswich", 1, Priority::kHigh, "suffolk-police", "ipswich"));
  Create(Make("police-west", 2, Priority::kStandard, "suffolk-police", "west-suffolk"));
  Create(Make("council-west", 3, Priority::kCritical, "west-suffolk-council",
              "west-suffolk"));
  Referral assigned = Make("assigned", -1, Priority::kMedium, "nhs", "ipswich");
  assigned.assignee = "secure-homes/person/fitter";
  Create(assigned);

  struct Case {
    const char* name;
    std::vector<VisibilityScope> scopes;
    std::vector<std::string> expected;  // by deadline
  } cases[] = {
      {"no scope sees nothing", {}, {}},
      {"own agency", {VisibilityScope{false, {"suffolk-police"}}},
       {"police-ipswich", "police-west"}},
      {"an area", {VisibilityScope{false, {}, {"west-suffolk"}}},
       {"police-west", "council-west"}},
      {"assigned to me",
       {VisibilityScope{false, {}, {}, "", "secure-homes/person/fitter"}},
       {"assigned"}},
      {"union of scopes",
       {VisibilityScope{false, {"west-suffolk-council"}},
        VisibilityScope{false, {}, {}, "", "secure-homes/person/fitter"}},
       {"assigned", "council-west"}},
      {"other kinds only",
       {VisibilityScope{true, {}, {}, "", "", {ReferralKind::kMarac}}},
       {}},
  };
  for (const Case& c : cases) {
    QueueQuery q = All();
    q.scopes = c.scopes;
    auto page = store().List(q);
    ASSERT_TRUE(page.ok()) << c.name << page.status();
    EXPECT_EQ(Ids(*page), c.expected) << c.name;
    for (const Referral& r : page->referrals) {
      EXPECT_TRUE(IsVisible(r, c.scopes)) << c.name << " " << r.id;
    }
  }

  QueueQuery overdue = All();
  overdue.overdue_only = true;
  overdue.now = kT0;
  EXPECT_EQ(Ids(*store().List(overdue)), std::vector<std::string>{"assigned"});
  QueueQuery urgent = All(QueueOrder::kByPriority);
  urgent.min_priority = Priority::kHigh;
  EXPECT_EQ(Ids(*store().List(urgent)),
            (std::vector<std::string>{"council-west", "police-ipswich"}));
  QueueQuery unassigned = All();
  unassigned.assignee = "";
  unassigned.area = "west-suffolk";
  EXPECT_EQ(Ids(*store().List(unassigned)),
            (std::vector<std::string>{"police-west", "council-west"}));
}

TEST_F(ReferralStoreTest, WritesCommitWithTheirAuditEntryOrNotAtAll) {
  SqlCipherAuditLog log(*opened_.db);
  AuditRecord audit;
  audit.method = "safeguard.v1.Referrals/SubmitReferral";
  audit.referral_id = "a";
  ASSERT_TRUE(Insert(Make("a", 1), "CHA-2026", audit).ok());
  EXPECT_TRUE(audit.committed);
  AuditRecord refused;
  EXPECT_THAT(Insert(Make("a", 1), "CHA-2026", refused),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_FALSE(refused.committed);
  Referral stale = *store().Get("a");
  stale.version = 7;
  AuditRecord conflict;
  EXPECT_THAT(units().Write(conflict,
                            [&](WriteTransaction& tx) {
                              return tx.UpdateReferral(stale, 6);
                            }),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_FALSE(conflict.committed);

  auto entries = log.List(v1::AuditFilter(), 0, 10);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].sequence(), 1);
  EXPECT_EQ((*entries)[0].referral(), "referrals/a");
  EXPECT_EQ((*entries)[0].method(), "safeguard.v1.Referrals/SubmitReferral");
}

// Each scope's queue is read through an index of its own, in both orders:
// a referrer polling its queue does not scan every encrypted page.
TEST_F(ReferralStoreTest, EachScopesQueueReadsItsOwnIndex) {
  for (int i = 0; i < 20; ++i) Create(Make(absl::StrCat("r", i), i));
  struct Case {
    const char* name;
    VisibilityScope scope;
    QueueOrder order;
    const char* index;
  };
  auto scope = [](auto set) {
    VisibilityScope s;
    set(s);
    return s;
  };
  const Case cases[] = {
      {"referrer by deadline",
       scope([](auto& s) { s.referrer = "suffolk-police/system/athena"; }),
       QueueOrder::kByDeadline, "referrals_by_referrer "},
      {"referrer by priority",
       scope([](auto& s) { s.referrer = "suffolk-police/system/athena"; }),
       QueueOrder::kByPriority, "referrals_by_referrer_priority "},
      {"agency by deadline",
       scope([](auto& s) { s.agencies = {"suffolk-police"}; }),
       QueueOrder::kByDeadline, "referrals_by_agency "},
      {"agency by priority",
       scope([](auto& s) { s.agencies = {"suffolk-police"}; }),
       QueueOrder::kByPriority, "referrals_by_agency_priority "},
      {"assignee by deadline",
       scope([](auto& s) { s.assignee = "safe-partnership/person/l"; }),
       QueueOrder::kByDeadline, "referrals_by_assignee "},
      {"assignee by priority",
       scope([](auto& s) { s.assignee = "safe-partnership/person/l"; }),
       QueueOrder::kByPriority, "referrals_by_assignee_priority "},
      {"area by deadline", scope([](auto& s) { s.areas = {"babergh"}; }),
       QueueOrder::kByDeadline, "referrals_by_area "},
      {"area by priority", scope([](auto& s) { s.areas = {"babergh"}; }),
       QueueOrder::kByPriority, "referrals_by_area_priority "},
  };
  for (const Case& c : cases) {
    QueueQuery q;
    q.scopes = {c.scope};
    q.order = c.order;
    auto plan = opened_.referrals->QueuePlan(q);
    ASSERT_TRUE(plan.ok()) << c.name << ": " << plan.status();
    const std::string text = absl::StrJoin(*plan, "; ") + " ";
    EXPECT_NE(text.find(absl::StrCat("USING INDEX ", c.index)),
              std::string::npos)
        << c.name << ": " << text;
    EXPECT_EQ(text.find("TEMP B-TREE"), std::string::npos)
        << c.name << ": " << text;
  }
}

}  // namespace
}  // namespace safeguard
