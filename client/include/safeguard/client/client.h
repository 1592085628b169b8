// File: client/include/safeguard/client/client.h
//
// safeguard::Client: the C++ client library that partner systems link to
// talk to safeguardd over mutual TLS.
//
// Example:
//   safeguard::ClientOptions options;
//   options.target = "safeguard.example.org:50051";
//   options.ca_file = "ca.crt";
//   options.cert_file = "athena.crt";   // identity: the URI SAN
//   options.key_file = "athena.key";
//   auto client = safeguard::Client::Create(options);
//   if (!client.ok()) { ... }
//   safeguard::v1::Referral referral = ...;  // the typed form
//   absl::StatusOr<safeguard::v1::Referral> submitted =
//       (*client)->SubmitReferral(referral);
//   if (!submitted.ok()) {
//     std::cerr << safeguard::DescribeError(submitted.status());
//   }
//
// A Client owns one channel, reused by every call, and is safe for
// concurrent use. Every call has a deadline (options.default_deadline).
// Calls that are safe to repeat (reads, and submissions, which carry a
// request id that the server de-duplicates) are retried on UNAVAILABLE with
// exponential backoff and jitter; other calls are not retried.
#ifndef SAFEGUARD_CLIENT_CLIENT_H_
#define SAFEGUARD_CLIENT_CLIENT_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "safeguard/v1/audit.grpc.pb.h"
#include "safeguard/v1/referrals.grpc.pb.h"
#include "safeguard/v1/reports.grpc.pb.h"
#include "safeguard/v1/server_info.grpc.pb.h"

namespace grpc {
class Channel;
}  // namespace grpc

namespace safeguard {

struct RetryPolicy {
  // Attempts in all, the first included; 1 disables retries.
  int max_attempts = 4;
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(2);
};

struct ClientOptions {
  // host:port of safeguardd.
  std::string target = "127.0.0.1:50051";
  // PEM files: the CA that signed the server's certificate, and this
  // client's certificate and private key.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  // Deadline of every call (each attempt).
  absl::Duration default_deadline = absl::Seconds(10);
  RetryPolicy retry;
};

// One bad field of a refused request (google.rpc.BadRequest).
struct FieldError {
  std::string field;        // e.g. "referral.subjects[0].date_of_birth"
  std::string description;  // e.g. "must not be in the future"
};

// The field errors carried by a status; empty if there are none.
std::vector<FieldError> FieldErrors(const absl::Status& status);

// A status for people: the code and message, then one line per bad field.
// UNIMPLEMENTED with no message is what the server's gRPC answers for a
// request whose bytes do not decode as the method's request message (as
// well as for a method it does not have), before any handler runs; it is
// described as such.
std::string DescribeError(const absl::Status& status);

class Client {
 public:
  // Reads the PEM files and sets up the channel (it connects lazily).
  // kInvalidArgument names a file that cannot be read.
  static absl::StatusOr<std::unique_ptr<Client>> Create(
      const ClientOptions& options);

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // The server's version and the caller's identity as the server sees it.
  absl::StatusOr<v1::GetServerInfoResponse> GetServerInfo();
  // The standard health check; OK means SERVING.
  absl::Status CheckHealth();

  // Submits a referral. Without a request id, one is made; it is reused by
  // every retry, so a retry never creates a second referral.
  absl::StatusOr<v1::Referral> SubmitReferral(const v1::Referral& referral,
                                              std::string request_id = "");
  absl::StatusOr<v1::Referral> GetReferral(const std::string& name);
  absl::StatusOr<v1::ListReferralsResponse> ListReferrals(
      const v1::ListReferralsRequest& request);
  absl::StatusOr<v1::Referral> TransitionReferral(
      const v1::TransitionReferralRequest& request);
  absl::StatusOr<v1::Referral> AssignReferral(const std::string& name,
                                              const std::string& assignee,
                                              int64_t version);
  absl::StatusOr<v1::Referral> AddNote(const std::string& name,
                                       const std::string& text);
  // Calls `on_event` for each change until it returns false or the stream
  // ends. A watch has no deadline. `on_live`, if given, runs once the
  // server says the watch is live (initial metadata "safeguard-watch:
  // live"), before any event: no change committed after that is missed, so
  // it is the place to list the queue. If it fails, the watch ends with its
  // status. A refused watch never runs it.
  absl::Status WatchReferrals(
      const v1::ReferralFilter& filter,
      const std::function<bool(const v1::ReferralEvent&)>& on_event,
      const std::function<absl::Status()>& on_live = nullptr);

  absl::StatusOr<v1::ListAuditEntriesResponse> ListAuditEntries(
      const v1::ListAuditEntriesRequest& request);
  absl::StatusOr<v1::ListAuditEntriesResponse> GetAccessLog(
      const v1::GetAccessLogRequest& request);
  absl::StatusOr<v1::VerifyAuditLogResponse> VerifyAuditLog();
  absl::Status ExportAuditLog(
      int64_t from_sequence,
      const std::function<void(const v1::AuditExportItem&)>& on_item);
  absl::StatusOr<v1::Referral> BreakGlass(const std::string& name,
                                          const std::string& reason);

  // The partnership's reports: small numbers suppressed, or (for the roles
  // the policy names) every figure, with the caller's written reason.
  absl::StatusOr<v1::ListReportDefinitionsResponse> ListReportDefinitions();
  absl::StatusOr<v1::Report> RunReport(const v1::RunReportRequest& request);
  absl::StatusOr<v1::Report> RunUnsuppressedReport(
      const v1::RunReportRequest& request, const std::string& reason);

 private:
  Client(const ClientOptions& options, std::shared_ptr<grpc::Channel> channel);

  // Runs `call(context)` with a fresh deadline per attempt; retries
  // UNAVAILABLE with backoff when `retry`.
  template <typename Call>
  absl::Status WithRetries(bool retry, Call call);
  // As WithRetries, for `call(context, Response*)`.
  template <typename Response, typename Call>
  absl::StatusOr<Response> Unary(bool retry, Call call);

  const ClientOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ServerInfo::Stub> server_info_;
  std::unique_ptr<v1::Referrals::Stub> referrals_;
  std::unique_ptr<v1::Audit::Stub> audit_;
  std::unique_ptr<v1::Reports::Stub> reports_;
};

// A new random request id (128 bits, hex).
std::string NewRequestId();

}  // namespace safeguard

#endif  // SAFEGUARD_CLIENT_CLIENT_H_
