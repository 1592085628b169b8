#include "server/storage/migrations.h"

#include "absl/strings/str_cat.h"
#include "server/core/status_macros.h"
#include "server/storage/person_index_rows.h"
#include "server/storage/person_record_rows.h"
#include "server/storage/report_facts_rows.h"

namespace safeguard {
namespace {

constexpr Migration kMigrations[] = {
    {1,
     "CREATE TABLE callers ("
     "  agency TEXT NOT NULL,"
     "  principal TEXT NOT NULL,"
     "  certificate_sha256 TEXT NOT NULL,"
     "  first_seen_us INTEGER NOT NULL,"
     "  last_seen_us INTEGER NOT NULL,"
     "  calls INTEGER NOT NULL,"
     "  PRIMARY KEY (agency, principal, certificate_sha256)"
     ") WITHOUT ROWID;"},
    {2,
     // Each referral is its body plus the columns the queue filters and
     // sorts on. The body was written as a safeguard.v1.Referral up to
     // schema 7; safeguard.storage.v1.StoredReferral, its own format since,
     // reads those bodies as they are (proto/safeguard/storage/v1/).
     "CREATE TABLE referrals ("
     "  id TEXT NOT NULL UNIQUE,"
     "  reference TEXT NOT NULL UNIQUE,"
     "  kind INTEGER NOT NULL,"
     "  state TEXT NOT NULL,"
     "  area TEXT NOT NULL,"
     "  priority INTEGER NOT NULL,"
     "  deadline_us INTEGER NOT NULL,"
     "  assignee TEXT NOT NULL,"
     "  referring_agency TEXT NOT NULL,"
     "  referrer_name TEXT NOT NULL,"
     "  version INTEGER NOT NULL,"
     "  create_us INTEGER NOT NULL,"
     "  update_us INTEGER NOT NULL,"
     "  body BLOB NOT NULL);"
     "CREATE INDEX referrals_by_deadline ON referrals (deadline_us, id);"
     "CREATE INDEX referrals_by_priority "
     "  ON referrals (priority DESC, deadline_us, id);"
     "CREATE TABLE submissions ("
     "  idempotency_key TEXT PRIMARY KEY,"
     "  fingerprint TEXT NOT NULL,"
     "  referral_id TEXT NOT NULL) WITHOUT ROWID;"
     "CREATE TABLE reference_sequences ("
     "  prefix TEXT PRIMARY KEY,"
     "  last INTEGER NOT NULL) WITHOUT ROWID;"
     "CREATE TABLE marac_pairs ("
     "  pair TEXT PRIMARY KEY,"
     "  last_referral_us INTEGER NOT NULL,"
     "  referral_id TEXT NOT NULL) WITHOUT ROWID;"},
    {3,
     // The hash-chained audit log (server/audit/audit_format.h).
     "CREATE TABLE audit_entries ("
     "  seq INTEGER PRIMARY KEY,"
     "  time_us INTEGER NOT NULL,"
     "  agency TEXT NOT NULL,"
     "  principal TEXT NOT NULL,"
     "  certificate_sha256 TEXT NOT NULL,"
     "  roles TEXT NOT NULL,"
     "  rule TEXT NOT NULL,"
     "  method TEXT NOT NULL,"
     "  referral TEXT NOT NULL,"
     "  view TEXT NOT NULL,"
     "  code INTEGER NOT NULL,"
     "  break_glass_reason TEXT NOT NULL,"
     "  request_id TEXT NOT NULL,"
     "  leaf BLOB NOT NULL,"
     "  chain BLOB NOT NULL);"
     "CREATE INDEX audit_by_referral ON audit_entries (referral, seq);"},
    {4,
     // A queue filtered by area reads its page from here in deadline order,
     // instead of walking every area's referrals by deadline.
     "CREATE INDEX referrals_by_area ON referrals (area, deadline_us, id);"},
    {5,
     // Referrals a call disclosed besides its own (a queue page, watch
     // events): in the hash-chained entry, and indexed here for the access
     // log of each.
     "ALTER TABLE audit_entries ADD COLUMN disclosed TEXT NOT NULL DEFAULT '';"
     "CREATE TABLE audit_disclosures ("
     "  referral TEXT NOT NULL,"
     "  seq INTEGER NOT NULL,"
     "  PRIMARY KEY (referral, seq)) WITHOUT ROWID;"},
    {6,
     // The queue as each scope reads it, in both orders: a referrer's, an
     // agency's, an assignee's and an area's page is read from its own
     // index rather than by scanning every referral.
     "CREATE INDEX referrals_by_referrer ON referrals "
     "  (referrer_name, deadline_us, id);"
     "CREATE INDEX referrals_by_referrer_priority ON referrals "
     "  (referrer_name, priority DESC, deadline_us, id);"
     "CREATE INDEX referrals_by_agency ON referrals "
     "  (referring_agency, deadline_us, id);"
     "CREATE INDEX referrals_by_agency_priority ON referrals "
     "  (referring_agency, priority DESC, deadline_us, id);"
     "CREATE INDEX referrals_by_assignee ON referrals "
     "  (assignee, deadline_us, id);"
     "CREATE INDEX referrals_by_assignee_priority ON referrals "
     "  (assignee, priority DESC, deadline_us, id);"
     "CREATE INDEX referrals_by_area_priority ON referrals "
     "  (area, priority DESC, deadline_us, id);"},
    {7,
     // The last audit checkpoint appended to the checkpoint file, written
     // once the file is synced, so a file behind it is known to be cut or
     // replaced; and one row that storage health checks rewrite.
     "CREATE TABLE audit_checkpoint ("
     "  id INTEGER PRIMARY KEY CHECK (id = 1),"
     "  size INTEGER NOT NULL,"
     "  head BLOB NOT NULL,"
     "  file_bytes INTEGER NOT NULL);"
     "CREATE TABLE write_probe ("
     "  id INTEGER PRIMARY KEY CHECK (id = 1),"
     "  at_us INTEGER NOT NULL);"},
    {8,
     // Meetings (a MARAC, a Channel panel) and the actions of their cases'
     // plans: each a stored body (safeguard.storage.v1.StoredMeeting,
     // StoredAction) plus what lists filter and sort on. An agenda reads
     // the outstanding actions of its kind and area; an agency's worklist
     // its own by due date.
     "CREATE TABLE meetings ("
     "  id TEXT NOT NULL UNIQUE,"
     "  kind INTEGER NOT NULL,"
     "  area TEXT NOT NULL,"
     "  start_us INTEGER NOT NULL,"
     "  version INTEGER NOT NULL,"
     "  body BLOB NOT NULL);"
     "CREATE INDEX meetings_by_area ON meetings (kind, area, start_us, id);"
     "CREATE INDEX meetings_by_start ON meetings (start_us, id);"
     "CREATE TABLE plan_actions ("
     "  id TEXT NOT NULL UNIQUE,"
     "  referral_id TEXT NOT NULL,"
     "  meeting_id TEXT NOT NULL,"
     "  kind INTEGER NOT NULL,"
     "  area TEXT NOT NULL,"
     "  owner_agency TEXT NOT NULL,"
     "  status INTEGER NOT NULL,"
     "  due_day INTEGER NOT NULL,"
     "  version INTEGER NOT NULL,"
     "  body BLOB NOT NULL);"
     "CREATE INDEX plan_actions_by_area "
     "  ON plan_actions (kind, area, status, due_day, id);"
     "CREATE INDEX plan_actions_by_owner "
     "  ON plan_actions (owner_agency, status, due_day, id);"
     "CREATE INDEX plan_actions_by_meeting ON plan_actions (meeting_id, due_day, id);"
     "CREATE INDEX plan_actions_by_referral ON plan_actions (referral_id);"},
    {9,
     // The fields a correction changed, by path (never their values), in
     // the hash-chained entry.
     "ALTER TABLE audit_entries ADD COLUMN changed_fields TEXT NOT NULL "
     "DEFAULT '';"},
    {10,
     // The person index (person_index_rows.h): keyed hashes of the people's
     // blocking keys, under a key made here at random, for matching people
     // across referrals. It replaces marac_pairs' clear-text keys; stored
     // referrals' people are indexed in version 13.
     "CREATE TABLE person_index_key ("
     "  id INTEGER PRIMARY KEY CHECK (id = 1),"
     "  key BLOB NOT NULL);"
     "INSERT INTO person_index_key (id, key) VALUES (1, randomblob(32));"
     "CREATE TABLE person_mentions ("
     "  key_hash BLOB NOT NULL,"
     "  referral_id TEXT NOT NULL,"
     "  role INTEGER NOT NULL,"
     "  kind INTEGER NOT NULL,"
     "  PRIMARY KEY (key_hash, role, kind, referral_id)) WITHOUT ROWID;"
     "CREATE INDEX person_mentions_by_referral ON person_mentions "
     "  (referral_id);"
     "DELETE FROM marac_pairs;"},
    {11,
     // Person records (person_record_rows.h): one per person a referral
     // names, merged and unmerged by coordinators, and the pairs they said
     // are not the same person. Stored referrals' people get theirs here.
     "CREATE TABLE people ("
     "  id TEXT PRIMARY KEY,"
     "  version INTEGER NOT NULL,"
     "  create_us INTEGER NOT NULL,"
     "  merged_into TEXT NOT NULL DEFAULT '',"
     "  merge_us INTEGER NOT NULL DEFAULT 0,"
     "  merged_by TEXT NOT NULL DEFAULT '');"
     "CREATE INDEX people_by_merged_into ON people (merged_into);"
     "CREATE TABLE person_links ("
     "  referral_id TEXT NOT NULL,"
     "  role INTEGER NOT NULL,"
     "  idx INTEGER NOT NULL,"
     "  origin_id TEXT NOT NULL,"
     "  person_id TEXT NOT NULL,"
     "  PRIMARY KEY (referral_id, role, idx)) WITHOUT ROWID;"
     "CREATE INDEX person_links_by_person ON person_links (person_id);"
     "CREATE INDEX person_links_by_origin ON person_links (origin_id);"
     "CREATE TABLE person_rejections ("
     "  a TEXT NOT NULL,"
     "  b TEXT NOT NULL,"
     "  time_us INTEGER NOT NULL,"
     "  by TEXT NOT NULL,"
     "  PRIMARY KEY (a, b)) WITHOUT ROWID;"
     "CREATE INDEX person_rejections_by_b ON person_rejections (b);"
     // A person search's written reason, and the person records a call
     // disclosed or changed, in the hash-chained entry.
     "ALTER TABLE audit_entries ADD COLUMN reason TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE audit_entries ADD COLUMN people TEXT NOT NULL DEFAULT '';",
     BackfillPersonRecords},
    {12,
     // What the reports count of each referral (report_facts_rows.h), by
     // when it was received; stored referrals get theirs here.
     "CREATE TABLE report_facts ("
     "  received_us INTEGER NOT NULL,"
     "  referral_id TEXT NOT NULL,"
     "  kind INTEGER NOT NULL,"
     "  area TEXT NOT NULL,"
     "  ended_us INTEGER NOT NULL,"
     "  facts BLOB NOT NULL,"
     "  PRIMARY KEY (received_us, referral_id)) WITHOUT ROWID;",
     BackfillReportFacts},
    {13,
     // The person index's rows hold the people's dates of birth as keyed
     // hashes, and their keys' hashes as numbers; written again, in key
     // order, from every stored referral.
     "DROP TABLE person_mentions;"
     "CREATE TABLE person_mentions ("
     "  key_hash INTEGER NOT NULL,"
     "  role INTEGER NOT NULL,"
     "  kind INTEGER NOT NULL,"
     "  referral_id TEXT NOT NULL,"
     "  birth INTEGER NOT NULL,"
     "  PRIMARY KEY (key_hash, role, kind, referral_id)) WITHOUT ROWID;",
     RebuildPersonIndex},
    {14,
     // A referral's person index rows are written to person_mentions_new,
     // on pages that stay in memory, and folded into person_mentions in key
     // order later (person_index_rows.h). The rows a submission's own
     // checks read are also kept by when their referral was made
     // (checked_mentions, loaded by RecentMentions); stored referrals get
     // theirs here.
     "CREATE TABLE person_mentions_new ("
     "  referral_id TEXT NOT NULL,"
     "  role INTEGER NOT NULL,"
     "  key_hash INTEGER NOT NULL,"
     "  kind INTEGER NOT NULL,"
     "  birth INTEGER NOT NULL,"
     "  PRIMARY KEY (referral_id, role, key_hash)) WITHOUT ROWID;"
     "CREATE INDEX person_mentions_new_by_key ON person_mentions_new "
     "  (key_hash, role, kind, referral_id, birth);"
     "CREATE TABLE checked_mentions ("
     "  create_us INTEGER NOT NULL,"
     "  referral_id TEXT NOT NULL,"
     "  rows BLOB NOT NULL,"
     "  PRIMARY KEY (create_us, referral_id)) WITHOUT ROWID;",
     FillCheckedMentions},
};

}  // namespace

absl::Span<const Migration> SchemaMigrations() { return kMigrations; }

absl::StatusOr<int> ReadSchemaVersion(Database& db) {
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT count(*) FROM sqlite_master "
                 "WHERE type = 'table' AND name = 'schema_migrations';"));
  SAFEGUARD_RETURN_IF_ERROR(stmt.Step().status());
  if (stmt.ColumnInt64(0) == 0) return 0;
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement max, db.Prepare("SELECT coalesce(max(version), 0) "
                                "FROM schema_migrations;"));
  SAFEGUARD_RETURN_IF_ERROR(max.Step().status());
  return static_cast<int>(max.ColumnInt64(0));
}

absl::StatusOr<int> ApplyMigrations(Database& db,
                                    absl::Span<const Migration> migrations) {
  int version = 0;
  absl::Status applied = db.InTransaction([&]() -> absl::Status {
    SAFEGUARD_RETURN_IF_ERROR(
        db.Exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                "  version INTEGER PRIMARY KEY,"
                "  applied_at_us INTEGER NOT NULL);"));
    SAFEGUARD_ASSIGN_OR_RETURN(int current, ReadSchemaVersion(db));
    int newest = migrations.empty() ? 0 : migrations.back().version;
    if (current > newest) {
      return absl::FailedPreconditionError(absl::StrCat(
          "database ", db.path(), " has schema version ", current,
          ", newer than this safeguardd knows (", newest, ")"));
    }
    SAFEGUARD_ASSIGN_OR_RETURN(
        Statement record,
        db.Prepare("INSERT INTO schema_migrations (version, applied_at_us) "
                   "VALUES (?, CAST(strftime('%s','now') AS INTEGER) "
                   "* 1000000);"));
    for (const Migration& m : migrations) {
      if (m.version <= current) continue;
      SAFEGUARD_RETURN_IF_ERROR(db.Exec(m.sql));
      if (m.then != nullptr) SAFEGUARD_RETURN_IF_ERROR(m.then(db));
      SAFEGUARD_RETURN_IF_ERROR(record.BindInt64(1, m.version));
      SAFEGUARD_RETURN_IF_ERROR(record.Run());
      SAFEGUARD_RETURN_IF_ERROR(record.Reset());
      current = m.version;
    }
    version = current;
    return absl::OkStatus();
  });
  if (!applied.ok()) return applied;
  return version;
}

}  // namespace safeguard
