// safeguardctl: the command line for safeguard's users.
//
// Run `safeguardctl help` for the commands, `safeguardctl help <command>`
// (or `safeguardctl <command> --help`) for one. Connection settings come
// from flags, from the SAFEGUARD_TARGET, SAFEGUARD_CA, SAFEGUARD_CERT and
// SAFEGUARD_KEY environment variables, or from a file of flags given with
// --flagfile=FILE (one --name=value a line).
//
// Exit codes: 0 success, 1 the call failed, 2 bad usage, 3 the audit log
// failed verification.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "client/printable.h"
#include "client/report_format.h"
#include "safeguard/client/client.h"
#include "server/audit/audit_format.h"

namespace {
std::string Env(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : fallback;
}
}  // namespace

ABSL_FLAG(std::string, target, Env("SAFEGUARD_TARGET", "127.0.0.1:50051"),
          "host:port of safeguardd (env SAFEGUARD_TARGET)");
ABSL_FLAG(std::string, ca, Env("SAFEGUARD_CA", "certs/dev/ca.crt"),
          "PEM CA of the server (env SAFEGUARD_CA)");
ABSL_FLAG(std::string, cert, Env("SAFEGUARD_CERT", ""),
          "PEM client certificate (env SAFEGUARD_CERT)");
ABSL_FLAG(std::string, key, Env("SAFEGUARD_KEY", ""),
          "PEM client private key (env SAFEGUARD_KEY)");
ABSL_FLAG(int, deadline_seconds, 10, "Deadline of each call, in seconds");
ABSL_FLAG(std::string, output, "table",
          "Output format: table or json (report: csv too)");
ABSL_FLAG(std::string, kind, "", "Filter: NRM, CHANNEL, MARAC, TARGET_HARDENING");
ABSL_FLAG(std::string, state, "", "Filter: workflow state");
ABSL_FLAG(std::string, area, "", "Filter: area");
ABSL_FLAG(std::string, assignee, "", "Filter: <agency>/<principal>, - for none");
ABSL_FLAG(bool, overdue, false, "Filter: only referrals past their deadline");
ABSL_FLAG(std::string, order, "deadline", "Queue order: deadline or priority");
ABSL_FLAG(int, page_size, 50, "Rows per page");
ABSL_FLAG(bool, watch, false, "queue: follow changes after listing");
ABSL_FLAG(int64_t, version, 0, "The referral version the change is made on");
ABSL_FLAG(std::string, reason, "",
          "Why (transition, break-glass, report --unsuppressed)");
ABSL_FLAG(std::string, start, "", "report: the first day, YYYY-MM-DD");
ABSL_FLAG(std::string, end, "", "report: the last day, YYYY-MM-DD");
ABSL_FLAG(bool, unsuppressed, false,
          "report: every figure, small numbers too (--reason)");
ABSL_FLAG(std::string, details, "",
          "transition: JSON of the request's details, e.g. "
          "'{\"scaDecision\":{\"outcome\":\"POSITIVE\"}}'");
ABSL_FLAG(std::string, request_id, "", "submit: the request id (default: new)");
ABSL_FLAG(std::string, referral, "", "audit list: referrals/<id>");
ABSL_FLAG(std::string, caller, "", "audit list: <agency>/<principal>");
ABSL_FLAG(std::string, agency, "", "audit list: agency");
ABSL_FLAG(std::string, method, "", "audit list: full method name");
ABSL_FLAG(std::string, out, "", "audit export: file to write (JSON lines)");
ABSL_FLAG(int64_t, from, 1, "audit export: first sequence number");
ABSL_FLAG(std::string, export_file, "", "audit verify-export: the export");
ABSL_FLAG(std::string, public_key, "",
          "audit verify-export: the audit public key (PEM)");
ABSL_FLAG(std::string, checkpoints, "",
          "audit verify-export: a checkpoint file shipped from the server "
          "(default: the checkpoints in the export)");

namespace safeguard {
namespace {

constexpr int kOk = 0, kFailed = 1, kUsage = 2, kUnverified = 3;

struct Command {
  const char* name;
  const char* args;
  size_t min_operands;
  size_t max_operands;
  const char* help;
};
const Command kCommands[] = {
    {"whoami", "", 0, 0, "the caller's identity as the server sees it"},
    {"health", "", 0, 0, "the server's health (exit 0 when SERVING)"},
    {"submit", "FILE.json", 1, 1,
     "submit a referral written in protobuf's JSON mapping of "
     "safeguard.v1.Referral; prints its name and reference, or every bad "
     "field (--request_id to reuse one)"},
    {"get", "referrals/ID", 1, 1, "one referral"},
    {"queue", "", 0, 0,
     "the triage queue (--kind --state --area --assignee --overdue --order "
     "--page_size); --watch follows changes"},
    {"transition", "referrals/ID ACTION", 2, 2,
     "take a workflow action (--version, --reason, --details)"},
    {"assign", "referrals/ID ASSIGNEE", 1, 2,
     "assign (--version); without ASSIGNEE, unassign"},
    {"note", "referrals/ID TEXT", 2, 2, "add a note"},
    {"audit list", "", 0, 0,
     "audit entries (--referral --caller --agency --method)"},
    {"audit access-log", "referrals/ID", 1, 1, "who accessed one referral"},
    {"audit verify", "", 0, 0,
     "have the server check its chain and checkpoints"},
    {"audit export", "", 0, 0,
     "write the log and checkpoints to --out (JSON lines)"},
    {"audit verify-export", "", 0, 0,
     "check --export_file offline against --public_key (and --checkpoints)"},
    {"break-glass", "referrals/ID", 1, 1, "read a referral in full (--reason)"},
    {"reports", "", 0, 0, "the reports the server makes"},
    {"report", "NAME", 1, 1,
     "run a report, e.g. reports/full, for --start to --end (YYYY-MM-DD, "
     "both included) and optionally --area; --output=table|csv|json; "
     "--unsuppressed with --reason for every figure"},
};

int Usage(const std::string& command = "") {
  for (const Command& c : kCommands) {
    if (!command.empty() && command != c.name) continue;
    std::printf("  safeguardctl %s %s\n      %s\n", c.name, c.args, c.help);
  }
  if (command.empty()) {
    std::printf(
        "\nConnection: --target --ca --cert --key (or SAFEGUARD_TARGET, "
        "SAFEGUARD_CA, SAFEGUARD_CERT, SAFEGUARD_KEY, or --flagfile=FILE).\n"
        "Output: --output=table|json. Exit codes: 0 ok, 1 the call failed, "
        "2 bad usage, 3 the audit log failed verification.\n");
  }
  return kOk;
}

int Fail(const absl::Status& status) {
  std::fputs(("safeguardctl: " + DescribeError(status)).c_str(), stderr);
  return kFailed;
}

int BadUsage(const std::string& why) {
  std::fprintf(stderr, "safeguardctl: %s (see safeguardctl help)\n", why.c_str());
  return kUsage;
}

bool Json() { return absl::GetFlag(FLAGS_output) == "json"; }

std::string ToJson(const google::protobuf::Message& m, bool one_line = false) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = !one_line;
  options.preserve_proto_field_names = false;
  (void)google::protobuf::util::MessageToJsonString(m, &out, options);
  return out;
}

std::string When(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0) return "-";
  return absl::FormatTime("%Y-%m-%d %H:%M", absl::FromUnixSeconds(t.seconds()),
                          absl::UTCTimeZone());
}

void PrintReferral(const v1::Referral& r) {
  if (Json()) {
    std::printf("%s\n", ToJson(r).c_str());
    return;
  }
  std::printf("%s  %s  %s  %s  version %lld\n", r.name().c_str(),
              r.reference().c_str(), v1::ReferralKind_Name(r.kind()).c_str(),
              r.state().c_str(), static_cast<long long>(r.version()));
  std::printf("  area %s, priority %s, deadline %s, assignee %s\n",
              r.area().empty() ? "-" : r.area().c_str(),
              v1::Priority_Name(r.priority()).c_str(), When(r.deadline()).c_str(),
              r.assignee().empty() ? "-" : r.assignee().c_str());
}

void PrintQueueRow(const v1::Referral& r) {
  std::printf("%-18s %-17s %-26s %-13s %-9s %-17s %-30s %s\n",
              r.reference().c_str(), v1::ReferralKind_Name(r.kind()).c_str(),
              r.state().c_str(), r.area().c_str(),
              v1::Priority_Name(r.priority()).c_str(), When(r.deadline()).c_str(),
              r.assignee().empty() ? "-" : r.assignee().c_str(), r.name().c_str());
}

absl::StatusOr<std::unique_ptr<Client>> Connect() {
  ClientOptions options;
  options.target = absl::GetFlag(FLAGS_target);
  options.ca_file = absl::GetFlag(FLAGS_ca);
  options.cert_file = absl::GetFlag(FLAGS_cert);
  options.key_file = absl::GetFlag(FLAGS_key);
  options.default_deadline = absl::Seconds(absl::GetFlag(FLAGS_deadline_seconds));
  return Client::Create(options);
}

v1::ReferralFilter FilterFromFlags() {
  v1::ReferralFilter f;
  v1::ReferralKind kind;
  if (v1::ReferralKind_Parse(absl::GetFlag(FLAGS_kind), &kind)) f.set_kind(kind);
  f.set_state(absl::GetFlag(FLAGS_state));
  f.set_area(absl::GetFlag(FLAGS_area));
  f.set_assignee(absl::GetFlag(FLAGS_assignee));
  f.set_overdue_only(absl::GetFlag(FLAGS_overdue));
  return f;
}

// Prints every page of the queue.
absl::Status ListQueue(Client& client, v1::ListReferralsRequest request) {
  if (!Json()) {
    std::printf("%-18s %-17s %-26s %-13s %-9s %-17s %-30s %s\n", "REFERENCE",
                "KIND", "STATE", "AREA", "PRIORITY", "DEADLINE (UTC)",
                "ASSIGNEE", "NAME");
  }
  while (true) {
    absl::StatusOr<v1::ListReferralsResponse> page = client.ListReferrals(request);
    if (!page.ok()) return page.status();
    for (const v1::Referral& r : page->referrals()) {
      if (Json()) {
        std::printf("%s\n", ToJson(r, true).c_str());
      } else {
        PrintQueueRow(r);
      }
    }
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  std::fflush(stdout);
  return absl::OkStatus();
}

int Queue(Client& client) {
  v1::ListReferralsRequest request;
  *request.mutable_filter() = FilterFromFlags();
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  request.set_order_by(absl::GetFlag(FLAGS_order) == "priority" ? v1::BY_PRIORITY
                                                                 : v1::BY_DEADLINE);
  if (!absl::GetFlag(FLAGS_watch)) {
    absl::Status s = ListQueue(client, request);
    return s.ok() ? kOk : Fail(s);
  }
  // The list is printed once the watch is live, so no change falls between.
  v1::ReferralFilter watch;
  watch.set_kind(request.filter().kind());
  watch.set_area(request.filter().area());
  absl::Status s = client.WatchReferrals(
      watch,
      [](const v1::ReferralEvent& e) {
        if (Json()) {
          std::printf("%s\n", ToJson(e, true).c_str());
        } else {
          std::printf("%-8s ", e.type() == v1::ReferralEvent::CREATED ? "NEW"
                                                                       : "CHANGED");
          PrintQueueRow(e.referral());
        }
        std::fflush(stdout);
        return true;
      },
      [&] { return ListQueue(client, request); });
  return s.ok() ? kOk : Fail(s);
}

int Submit(Client& client, const std::string& file) {
  std::ifstream in(file);
  if (!in) return BadUsage("cannot read " + file);
  std::stringstream text;
  text << in.rdbuf();
  v1::Referral referral;
  auto parsed = google::protobuf::util::JsonStringToMessage(text.str(), &referral);
  if (!parsed.ok()) {
    return BadUsage(absl::StrCat(file, " is not a safeguard.v1.Referral in "
                                       "JSON: ", parsed.message().as_string()));
  }
  absl::StatusOr<v1::Referral> r =
      client.SubmitReferral(referral, absl::GetFlag(FLAGS_request_id));
  if (!r.ok()) return Fail(r.status());
  if (Json()) {
    PrintReferral(*r);
  } else {
    std::printf("submitted %s as %s (%s)\n", r->reference().c_str(),
                r->name().c_str(), r->state().c_str());
  }
  return kOk;
}

int Transition(Client& client, const std::string& name, const std::string& action) {
  v1::TransitionReferralRequest request;
  const std::string details = absl::GetFlag(FLAGS_details);
  if (!details.empty()) {
    auto parsed = google::protobuf::util::JsonStringToMessage(details, &request);
    if (!parsed.ok()) return BadUsage("--details is not JSON of the request");
  }
  request.set_name(name);
  request.set_action(action);
  request.set_version(absl::GetFlag(FLAGS_version));
  request.set_reason(absl::GetFlag(FLAGS_reason));
  absl::StatusOr<v1::Referral> r = client.TransitionReferral(request);
  if (!r.ok()) return Fail(r.status());
  PrintReferral(*r);
  return kOk;
}

void PrintEntry(const v1::AuditEntry& e) {
  if (Json()) {
    std::printf("%s\n", ToJson(e, true).c_str());
    return;
  }
  std::printf(
      "%8lld %s %-45s %-28s %-44s %-3d %s%s\n",
      static_cast<long long>(e.sequence()), When(e.time()).c_str(),
      Printable(e.agency() + "/" + e.principal()).c_str(),
      Printable(e.rule()).c_str(), Printable(e.method()).c_str(), e.code(),
      Printable(e.referral()).c_str(),
      e.break_glass_reason().empty()
          ? ""
          : ("  BREAK-GLASS: " + Printable(e.break_glass_reason())).c_str());
}

int PrintEntries(absl::StatusOr<v1::ListAuditEntriesResponse> page) {
  if (!page.ok()) return Fail(page.status());
  for (const v1::AuditEntry& e : page->entries()) PrintEntry(e);
  return kOk;
}

int PrintVerification(const v1::VerifyAuditLogResponse& v) {
  if (Json()) {
    std::printf("%s\n", ToJson(v).c_str());
  } else if (v.ok()) {
    std::printf("verified: %lld entries, %lld checkpoints; %lld entries after "
                "the last checkpoint are covered by the chain only\n",
                static_cast<long long>(v.entries()),
                static_cast<long long>(v.checkpoints()),
                static_cast<long long>(v.unsigned_entries()));
  } else {
    std::printf("FAILED at entry %lld: %s\n",
                static_cast<long long>(v.first_bad_sequence()), v.problem().c_str());
  }
  return v.ok() ? kOk : kUnverified;
}

int Export(Client& client) {
  const std::string path = absl::GetFlag(FLAGS_out);
  if (path.empty()) return BadUsage("audit export needs --out");
  std::ofstream out(path);
  if (!out) return BadUsage("cannot write " + path);
  int64_t entries = 0, checkpoints = 0;
  absl::Status s = client.ExportAuditLog(
      absl::GetFlag(FLAGS_from), [&](const v1::AuditExportItem& item) {
        out << ToJson(item, true) << "\n";
        item.has_entry() ? ++entries : ++checkpoints;
      });
  if (!s.ok()) return Fail(s);
  std::printf("exported %lld entries and %lld checkpoints to %s\n",
              static_cast<long long>(entries), static_cast<long long>(checkpoints),
              path.c_str());
  return kOk;
}

// Offline: the export, the checkpoints and the public key; no server, no
// database key.
int VerifyExport() {
  const std::string path = absl::GetFlag(FLAGS_export_file);
  const std::string key_path = absl::GetFlag(FLAGS_public_key);
  if (path.empty() || key_path.empty()) {
    return BadUsage("audit verify-export needs --export_file and --public_key");
  }
  std::ifstream key_in(key_path);
  std::stringstream pem;
  pem << key_in.rdbuf();
  absl::StatusOr<std::unique_ptr<AuditPublicKey>> key =
      AuditPublicKey::FromPem(pem.str());
  if (!key.ok()) return BadUsage(key_path + ": not an Ed25519 public key");
  std::ifstream in(path);
  if (!in) return BadUsage("cannot read " + path);
  absl::StatusOr<AuditExport> parsed = ParseAuditExport(in, path);
  if (!parsed.ok()) return BadUsage(std::string(parsed.status().message()));
  std::vector<v1::AuditEntry>& entries = parsed->entries;
  std::vector<v1::AuditCheckpoint>& checkpoints = parsed->checkpoints;
  const std::string shipped = absl::GetFlag(FLAGS_checkpoints);
  if (!shipped.empty()) {
    absl::StatusOr<std::vector<v1::AuditCheckpoint>> file =
        ReadCheckpointFile(shipped);
    if (!file.ok()) return Fail(file.status());
    checkpoints = *std::move(file);
  }
  ChainVerifier verifier(std::move(checkpoints), **key);
  for (const v1::AuditEntry& e : entries) {
    if (!verifier.Add(e)) break;
  }
  return PrintVerification(verifier.Finish());
}

// A YYYY-MM-DD flag as a date; false if it is not one.
bool ParseDate(const std::string& text, v1::Date* out) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day)) return false;
  out->set_year(static_cast<int32_t>(day.year()));
  out->set_month(day.month());
  out->set_day(day.day());
  return true;
}

int Report(Client& client, const std::string& name) {
  v1::RunReportRequest request;
  request.set_report(name);
  request.set_area(absl::GetFlag(FLAGS_area));
  if (!ParseDate(absl::GetFlag(FLAGS_start), request.mutable_start_date()) ||
      !ParseDate(absl::GetFlag(FLAGS_end), request.mutable_end_date())) {
    return BadUsage("report needs --start and --end as YYYY-MM-DD");
  }
  absl::StatusOr<v1::Report> report =
      absl::GetFlag(FLAGS_unsuppressed)
          ? client.RunUnsuppressedReport(request, absl::GetFlag(FLAGS_reason))
          : client.RunReport(request);
  if (!report.ok()) return Fail(report.status());
  const std::string output = absl::GetFlag(FLAGS_output);
  if (output == "json") {
    std::printf("%s\n", ToJson(*report).c_str());
  } else if (output == "csv") {
    std::fputs(ReportCsv(*report).c_str(), stdout);
  } else {
    std::fputs(ReportText(*report).c_str(), stdout);
  }
  return kOk;
}

int Reports(Client& client) {
  absl::StatusOr<v1::ListReportDefinitionsResponse> list =
      client.ListReportDefinitions();
  if (!list.ok()) return Fail(list.status());
  if (Json()) {
    std::printf("%s\n", ToJson(*list).c_str());
    return kOk;
  }
  for (const v1::ReportDefinition& d : list->definitions()) {
    std::printf("%-26s %s\n    %s\n", d.name().c_str(), d.title().c_str(),
                d.description().c_str());
  }
  return kOk;
}

int Main(int argc, char** argv) {
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = [](absl::string_view file) {
    return absl::EndsWith(file, "safeguardctl.cc");
  };
  usage_config.normalize_filename = [](absl::string_view) {
    return std::string("safeguardctl.cc");
  };
  absl::SetFlagsUsageConfig(usage_config);
  absl::SetProgramUsageMessage("the safeguard command line; see "
                               "`safeguardctl help`");
  // `safeguardctl --help`: the commands; `safeguardctl <command> --help`:
  // that command's help.
  std::vector<std::string> words;
  bool help = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") help = true;
    if (!absl::StartsWith(a, "-")) words.push_back(a);
  }
  if (help) {
    if (words.empty()) return Usage();
    std::string command = words[0] == "audit" && words.size() > 1
                              ? "audit " + words[1]
                              : words[0];
    return Usage(command);
  }
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (rest.empty() || rest[0] == "help") {
    return Usage(rest.size() > 1 ? rest[1] + (rest.size() > 2 ? " " + rest[2] : "")
                                 : "");
  }
  std::string command = rest[0];
  std::vector<std::string> operands(rest.begin() + 1, rest.end());
  if (command == "audit") {
    if (operands.empty()) return BadUsage("audit needs a subcommand");
    command = "audit " + operands[0];
    operands.erase(operands.begin());
  }
  const Command* known = absl::c_find_if(
      kCommands, [&](const Command& c) { return command == c.name; });
  if (known == std::end(kCommands)) {
    return BadUsage("unknown command '" + command + "'");
  }
  if (operands.size() < known->min_operands ||
      operands.size() > known->max_operands) {
    return BadUsage(absl::StrCat(
        command, " takes ",
        known->min_operands == known->max_operands
            ? absl::StrCat(known->min_operands)
            : absl::StrCat(known->min_operands, " or ", known->max_operands),
        " argument(s)"));
  }
  if (command == "audit verify-export") return VerifyExport();

  absl::StatusOr<std::unique_ptr<Client>> connected = Connect();
  if (!connected.ok()) return Fail(connected.status());
  Client& client = **connected;
  if (command == "health") {
    absl::Status s = client.CheckHealth();
    if (!s.ok()) return Fail(s);
    std::printf("SERVING\n");
    return kOk;
  }
  if (command == "whoami") {
    absl::StatusOr<v1::GetServerInfoResponse> info = client.GetServerInfo();
    if (!info.ok()) return Fail(info.status());
    if (Json()) {
      std::printf("%s\n", ToJson(*info).c_str());
      return kOk;
    }
    std::printf("agency:          %s\nprincipal:       %s\n"
                "certificate:     sha256:%s\nserver version:  %s\n"
                "schema version:  %d\n",
                info->caller().agency().c_str(), info->caller().principal().c_str(),
                info->caller().certificate_sha256().c_str(),
                info->server_version().c_str(), info->schema_version());
    return kOk;
  }
  if (command == "submit") return Submit(client, operands[0]);
  if (command == "reports") return Reports(client);
  if (command == "report") return Report(client, operands[0]);
  if (command == "queue") return Queue(client);
  if (command == "transition") return Transition(client, operands[0], operands[1]);
  if (command == "get" || command == "assign" || command == "note" ||
      command == "break-glass") {
    absl::StatusOr<v1::Referral> r =
        command == "get" ? client.GetReferral(operands[0])
        : command == "assign"
            ? client.AssignReferral(operands[0],
                                    operands.size() > 1 ? operands[1] : "",
                                    absl::GetFlag(FLAGS_version))
        : command == "note" ? client.AddNote(operands[0], operands[1])
                            : client.BreakGlass(operands[0],
                                                absl::GetFlag(FLAGS_reason));
    if (!r.ok()) return Fail(r.status());
    PrintReferral(*r);
    return kOk;
  }
  if (command == "audit list") {
    v1::ListAuditEntriesRequest request;
    request.mutable_filter()->set_referral(absl::GetFlag(FLAGS_referral));
    request.mutable_filter()->set_caller(absl::GetFlag(FLAGS_caller));
    request.mutable_filter()->set_agency(absl::GetFlag(FLAGS_agency));
    request.mutable_filter()->set_method(absl::GetFlag(FLAGS_method));
    request.set_page_size(absl::GetFlag(FLAGS_page_size));
    return PrintEntries(client.ListAuditEntries(request));
  }
  if (command == "audit access-log") {
    v1::GetAccessLogRequest request;
    request.set_name(operands[0]);
    request.set_page_size(absl::GetFlag(FLAGS_page_size));
    return PrintEntries(client.GetAccessLog(request));
  }
  if (command == "audit verify") {
    absl::StatusOr<v1::VerifyAuditLogResponse> v = client.VerifyAuditLog();
    if (!v.ok()) return Fail(v.status());
    return PrintVerification(*v);
  }
  return Export(client);  // audit export
}

}  // namespace
}  // namespace safeguard

int main(int argc, char** argv) { return safeguard::Main(argc, argv); }
