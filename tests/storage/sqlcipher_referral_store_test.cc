#include "server/storage/sqlcipher_referral_store.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
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
    const std::vector<std::string> keys = MatchKeys(john);
    auto all = tx.FindMentions(ReferralKind::kChannel, PersonRole::kSubject,
                               keys, 10);
    if (!all.ok()) return all.status();
    found = *all;
    auto perp = tx.FindMentions(ReferralKind::kChannel,
                                PersonRole::kPerpetrator, keys, 10);
    if (!perp.ok()) return perp.status();
    as_perpetrator = *perp;
    auto nrm = tx.FindMentions(ReferralKind::kNrm, PersonRole::kSubject, keys, 10);
    if (!nrm.ok()) return nrm.status();
    other_kind = *nrm;
    auto one = tx.FindMentions(ReferralKind::kChannel, PersonRole::kSubject,
                               keys, 1);
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

  // The index holds keyed hashes, never a name in clear.
  std::vector<std::string> hashes;
  SAFEGUARD_ASSERT_OK(opened_.db->With([&](Database& db) -> absl::Status {
    auto rows = db.Prepare("SELECT key_hash FROM person_mentions;");
    if (!rows.ok()) return rows.status();
    while (true) {
      auto row = rows->Step();
      if (!row.ok()) return row.status();
      if (!*row) return absl::OkStatus();
      hashes.push_back(rows->ColumnText(0));
    }
  }));
  ASSERT_EQ(hashes.size(), 2 * MatchKeys(facts).size());
  for (const std::string& h : hashes) {
    EXPECT_EQ(h.size(), 32u);
    EXPECT_EQ(h.find("example"), std::string::npos);
  }

  // A referral indexed again keeps only its new people.
  AuditRecord again;
  SAFEGUARD_ASSERT_OK(units().Write(again, [&](WriteTransaction& tx) {
    return tx.IndexPeople(first, {});
  }));
  AuditRecord read_again;
  SAFEGUARD_ASSERT_OK(units().Write(read_again, [&](WriteTransaction& tx) {
    auto all = tx.FindMentions(ReferralKind::kChannel, PersonRole::kSubject,
                               MatchKeys(facts), 10);
    if (!all.ok()) return all.status();
    found = *all;
    return absl::OkStatus();
  }));
  EXPECT_EQ(found, std::vector<std::string>{"second"});
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
