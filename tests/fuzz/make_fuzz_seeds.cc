// make_fuzz_seeds OUT_DIR: writes the seed corpus of each fuzz target under
// OUT_DIR/<target>/ (tests/fuzz/corpus is its output, committed): valid
// requests of every kind, a session for every workflow rule, page tokens,
// signed checkpoint lines and an export, the shipped policy and config.
// Deterministic: the same source writes the same files.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/util/json_util.h"
#include "safeguard/v1/audit.pb.h"
#include "safeguard/v1/referrals.pb.h"
#include "server/audit/audit_format.h"
#include "server/common/deterministic_bytes.h"
#include "server/core/workflow.h"
#include "server/api/page_token.h"
#include "tests/fuzz/fuzz_input.pb.h"
#include "tests/testing/referral_fixtures.h"

namespace safeguard::fuzz {
namespace {

std::string out_dir;

void Write(const std::string& target, const std::string& name,
           const std::string& bytes) {
  const std::string dir = absl::StrCat(out_dir, "/", target);
  mkdir(dir.c_str(), 0755);
  std::ofstream(absl::StrCat(dir, "/", name), std::ios::binary) << bytes;
}

// A request fuzzer input: the message's selector byte, then its bytes
// (the order of request_fuzzer.cc's Message).
void WriteRequest(const std::string& name, char selector,
                  const google::protobuf::Message& m) {
  Write("request_fuzzer", name, std::string(1, selector) + DeterministicBytes(m));
}

std::string ReadSource(const std::string& path) {
  std::ifstream in(absl::StrCat(SAFEGUARD_SOURCE_DIR, "/", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

v1::Referral SubmissionOf(ReferralKind kind) {
  switch (kind) {
    case ReferralKind::kNrm:
      return testing::NrmSubmission();
    case ReferralKind::kChannel:
      return testing::ChannelSubmission();
    case ReferralKind::kMarac:
      return testing::MaracSubmission(16);
    default:
      return testing::TargetHardeningSubmission();
  }
}

const char* KindName(ReferralKind kind) {
  switch (kind) {
    case ReferralKind::kNrm:
      return "nrm";
    case ReferralKind::kChannel:
      return "channel";
    case ReferralKind::kMarac:
      return "marac";
    default:
      return "target-hardening";
  }
}

// The details a rule's guard asks for, filled plausibly.
void FillDetails(Guard guard, v1::TransitionReferralRequest* t) {
  switch (guard) {
    case Guard::kScaPositive:
    case Guard::kScaNegative: {
      v1::ScaDecision* d = t->mutable_sca_decision();
      d->set_outcome(guard == Guard::kScaPositive ? v1::POSITIVE : v1::NEGATIVE);
      d->mutable_decision_date()->set_year(2025);
      d->mutable_decision_date()->set_month(6);
      d->mutable_decision_date()->set_day(3);
      break;
    }
    case Guard::kReason:
      t->set_reason("the panel agreed this after discussion");
      break;
    case Guard::kVafAssessment: {
      v1::VafAssessment* v = t->mutable_vaf_assessment();
      v->set_framework_version("vaf-2015");
      for (int i = 0; i < 22; ++i) v->add_factor_scores(i % 4);
      break;
    }
    case Guard::kMeeting: {
      v1::Date* d = t->mutable_meeting()->mutable_meeting_date();
      d->set_year(2025);
      d->set_month(6);
      d->set_day(12);
      break;
    }
    case Guard::kAppointment:
      t->mutable_appointment()->mutable_appointment_time()->set_seconds(
          1749027600);
      break;
    case Guard::kInstallation:
      t->mutable_installation()->add_measures_installed(v1::LOCKS);
      t->mutable_installation()->add_measures_installed(v1::ALARM);
      break;
    case Guard::kRecovery:
      t->mutable_recovery()->add_measures_recovered(v1::LOCKS);
      break;
    case Guard::kConsentGiven:
    case Guard::kConsentRefused:
      t->mutable_consent()->set_status(
          guard == Guard::kConsentGiven ? v1::GIVEN : v1::REFUSED);
      t->mutable_consent()->set_legal_basis(v1::CONSENT);
      t->mutable_consent()->set_given_by(v1::SUBJECT);
      t->mutable_consent()->set_reason("recorded at the visit");
      break;
    case Guard::kExternalReference:
      t->mutable_external_reference()->set_system(v1::CRIME);
      t->mutable_external_reference()->set_value("37/12345/25");
      break;
    default:
      break;
  }
}

void WriteRequests() {
  std::map<std::string, int> seen;
  for (ReferralKind kind : {ReferralKind::kNrm, ReferralKind::kChannel,
                            ReferralKind::kMarac,
                            ReferralKind::kTargetHardening}) {
    v1::SubmitReferralRequest submit;
    submit.set_request_id(absl::StrCat("seed-", KindName(kind)));
    *submit.mutable_referral() = SubmissionOf(kind);
    WriteRequest(absl::StrCat("submit-", KindName(kind)), 0, submit);
  }
  for (const TransitionRule& rule : WorkflowRules()) {
    if (rule.from.empty()) continue;  // "submit"
    Session session;
    session.mutable_submit()->set_request_id("seed-session");
    *session.mutable_submit()->mutable_referral() = SubmissionOf(rule.kind);
    session.set_start_state(std::string(rule.from));
    v1::TransitionReferralRequest* t = session.add_transitions();
    t->set_name("referrals/fuzz1");
    t->set_action(std::string(rule.action));
    FillDetails(rule.guard, t);
    std::string name = absl::StrCat("session-", KindName(rule.kind), "-",
                                    rule.from, "-", rule.action);
    if (++seen[name] > 1) absl::StrAppend(&name, "-", seen[name]);
    WriteRequest(absl::StrReplaceAll(name, {{"/", "_"}}), 1, session);
  }
  v1::GetReferralRequest get;
  get.set_name("referrals/fuzz1");
  WriteRequest("get", 2, get);
  v1::ListReferralsRequest list;
  list.mutable_filter()->set_kind(v1::MARAC);
  list.mutable_filter()->set_area("babergh");
  list.set_order_by(v1::BY_PRIORITY);
  list.set_page_size(20);
  WriteRequest("list", 3, list);
  list.set_page_token(EncodePageToken({3, 1749027600000000, "fuzz1"},
                                      QueueOrder::kByPriority,
                                      "0123456789abcdef"));
  WriteRequest("list-page-token", 3, list);
  v1::AssignReferralRequest assign;
  assign.set_name("referrals/fuzz1");
  assign.set_assignee("suffolk-police/person/pc-example");
  assign.set_version(1);
  WriteRequest("assign", 4, assign);
  v1::AddNoteRequest note;
  note.set_name("referrals/fuzz1");
  note.set_text("Spoke to the school; no further concerns today.");
  WriteRequest("add-note", 5, note);
  v1::WatchReferralsRequest watch;
  watch.mutable_filter()->set_kind(v1::NRM);
  WriteRequest("watch", 6, watch);
  v1::ListAuditEntriesRequest entries;
  entries.mutable_filter()->set_referral("referrals/fuzz1");
  entries.mutable_filter()->mutable_start_time()->set_seconds(1749027600);
  entries.set_page_size(10);
  entries.set_page_token("42");
  WriteRequest("list-audit-entries", 7, entries);
  v1::GetAccessLogRequest access;
  access.set_name("referrals/fuzz1");
  WriteRequest("get-access-log", 8, access);
  WriteRequest("verify-audit-log", 9, v1::VerifyAuditLogRequest());
  v1::ExportAuditLogRequest export_request;
  export_request.set_from_sequence(10);
  WriteRequest("export-audit-log", 10, export_request);
  v1::BreakGlassRequest glass;
  glass.set_name("referrals/fuzz1");
  glass.set_reason("the victim is missing and the police need the address");
  WriteRequest("break-glass", 11, glass);
  // People (15): a MARAC case (victim, perpetrator, children), then each
  // People request on its records.
  PeopleInput people;
  people.mutable_submit()->set_request_id("seed-people");
  *people.mutable_submit()->mutable_referral() =
      SubmissionOf(ReferralKind::kMarac);
  v1::PersonIdentifier* nhs =
      people.mutable_submit()->mutable_referral()->mutable_subjects(0)
          ->add_identifiers();
  nhs->set_type(v1::NHS_NUMBER);
  nhs->set_value("943 476 5919");
  PeopleInput search = people;
  search.mutable_search()->set_full_name(
      people.submit().referral().subjects(0).full_name());
  search.mutable_search()->set_reason("checking before the MARAC meets");
  *search.mutable_search()->add_identifiers() = *nhs;
  WriteRequest("people-search", 15, search);
  PeopleInput get_person = people;
  get_person.mutable_get()->set_name("people/first");
  WriteRequest("people-get", 15, get_person);
  PeopleInput merge = people;
  merge.mutable_merge()->set_name("people/first");
  merge.mutable_merge()->set_version(1);
  merge.mutable_merge()->set_other("people/second");
  WriteRequest("people-merge", 15, merge);
  PeopleInput unmerge = people;
  unmerge.mutable_unmerge()->set_name("people/second");
  WriteRequest("people-unmerge", 15, unmerge);
  PeopleInput reject = people;
  reject.mutable_reject()->set_name("people/first");
  reject.mutable_reject()->set_other("people/second");
  WriteRequest("people-reject", 15, reject);
  // Reports (16): a referral counted, then the year's report, suppressed
  // and with every figure.
  ReportsInput reports;
  reports.mutable_submit()->set_request_id("seed-reports");
  *reports.mutable_submit()->mutable_referral() =
      SubmissionOf(ReferralKind::kChannel);
  v1::RunReportRequest year;
  year.set_report("reports/full");
  year.mutable_start_date()->set_year(2025);
  year.mutable_start_date()->set_month(4);
  year.mutable_start_date()->set_day(1);
  year.mutable_end_date()->set_year(2026);
  year.mutable_end_date()->set_month(3);
  year.mutable_end_date()->set_day(31);
  ReportsInput run = reports;
  *run.mutable_run() = year;
  WriteRequest("reports-run", 16, run);
  ReportsInput all = reports;
  *all.mutable_unsuppressed()->mutable_request() = year;
  all.mutable_unsuppressed()->mutable_request()->set_area("babergh");
  all.mutable_unsuppressed()->set_reason("figures for the annual report");
  WriteRequest("reports-unsuppressed", 16, all);
}

void WritePageTokens() {
  Write("page_token_fuzzer", "by-deadline",
        EncodePageToken({2, 1749027600000000, "k3x9q2"}, QueueOrder::kByPriority,
                        "0123456789abcdef"));
  Write("page_token_fuzzer", "no-deadline",
        EncodePageToken({0, -1, "a"}, QueueOrder::kByDeadline,
                        "0123456789abcdef"));
}

// A chain of three entries and two checkpoints, signed with a key made here.
void WriteAudit() {
  const std::string key_file = absl::StrCat(out_dir, "/.fuzz-audit.key");
  // A key made for these seeds only, and not kept.
  if (!CreateSigningKeyFile(key_file).ok()) std::abort();
  std::unique_ptr<AuditSigner> signer = AuditSigner::FromKeyFile(key_file).value();
  unlink(key_file.c_str());
  std::string chain = ZeroHash();
  std::string export_text, checkpoint_text;
  auto json = [](const google::protobuf::Message& m) {
    std::string out;
    (void)google::protobuf::util::MessageToJsonString(m, &out);
    return out + "\n";
  };
  auto checkpoint = [&](int64_t size) {
    v1::AuditCheckpoint c;
    c.set_size(size);
    c.set_head(chain);
    c.mutable_time()->set_seconds(1749027600 + size);
    c.set_signature(
        signer->Sign(CheckpointMessage(size, chain, c.time().seconds())));
    return c;
  };
  std::vector<v1::AuditCheckpoint> checkpoints;
  for (int64_t sequence = 1; sequence <= 3; ++sequence) {
    v1::AuditEntry e;
    e.set_sequence(sequence);
    e.mutable_time()->set_seconds(1749027600 + sequence);
    e.set_agency("suffolk-police");
    e.set_principal("system/athena");
    e.set_roles("referrer");
    e.set_rule("police-referrers");
    e.set_method("safeguard.v1.Referrals/GetReferral");
    e.set_referral("referrals/fuzz1");
    e.set_view("referrer");
    e.set_request_id(absl::StrCat("req-", sequence));
    e.set_leaf_hash(LeafHash(e));
    chain = ChainHash(chain, e.leaf_hash());
    e.set_chain_hash(chain);
    v1::AuditExportItem item;
    *item.mutable_entry() = e;
    export_text += json(item);
    if (sequence != 1) checkpoints.push_back(checkpoint(sequence));
  }
  for (const v1::AuditCheckpoint& c : checkpoints) {
    v1::AuditExportItem item;
    *item.mutable_checkpoint() = c;
    export_text += json(item);
    checkpoint_text += FormatCheckpointLine(c) + "\n";
  }
  Write("export_fuzzer", "three-entries-two-checkpoints", export_text);
  Write("checkpoint_fuzzer", "two-lines", checkpoint_text);
  Write("checkpoint_fuzzer", "one-line",
        FormatCheckpointLine(checkpoints.front()));
}

}  // namespace
}  // namespace safeguard::fuzz

int main(int argc, char** argv) {
  using namespace safeguard::fuzz;  // NOLINT
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_fuzz_seeds OUT_DIR\n");
    return 2;
  }
  out_dir = argv[1];
  mkdir(out_dir.c_str(), 0755);
  WriteRequests();
  WritePageTokens();
  WriteAudit();
  Write("policy_fuzzer", "partnership.textproto",
        ReadSource("policy/partnership.textproto"));
  Write("config_fuzzer", "safeguardd.textproto",
        ReadSource("deploy/safeguardd.textproto"));
  return 0;
}
