#include "safeguard/client/client.h"

#include <fstream>
#include <random>
#include <sstream>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/support/channel_arguments.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace safeguard {
namespace {

constexpr char kDetailsUrl[] = "type.googleapis.com/google.rpc.Status";

absl::StatusOr<std::string> ReadPem(absl::string_view what,
                                    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (path.empty() || !in) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " '", path, "' cannot be read"));
  }
  std::stringstream data;
  data << in.rdbuf();
  return data.str();
}

absl::Status FromGrpc(const grpc::Status& s) {
  absl::Status out(static_cast<absl::StatusCode>(s.error_code()),
                   s.error_message());
  if (!s.ok() && !s.error_details().empty()) {
    out.SetPayload(kDetailsUrl, absl::Cord(s.error_details()));
  }
  return out;
}

}  // namespace

std::vector<FieldError> FieldErrors(const absl::Status& status) {
  std::vector<FieldError> out;
  absl::optional<absl::Cord> payload = status.GetPayload(kDetailsUrl);
  if (!payload.has_value()) return out;
  google::rpc::Status details;
  if (!details.ParseFromString(std::string(*payload))) return out;
  for (const google::protobuf::Any& any : details.details()) {
    google::rpc::BadRequest bad;
    if (!any.UnpackTo(&bad)) continue;
    for (const auto& v : bad.field_violations()) {
      out.push_back({v.field(), v.description()});
    }
  }
  return out;
}

std::string DescribeError(const absl::Status& status) {
  if (absl::IsUnimplemented(status) && status.message().empty()) {
    return "UNIMPLEMENTED: the server could not decode the request (or does "
           "not have this method)\n";
  }
  std::string out = absl::StrCat(absl::StatusCodeToString(status.code()), ": ",
                                 status.message(), "\n");
  for (const FieldError& e : FieldErrors(status)) {
    absl::StrAppend(&out, "  ", e.field, ": ", e.description, "\n");
  }
  return out;
}

std::string NewRequestId() {
  std::random_device random;
  std::string out;
  for (int i = 0; i < 4; ++i) {
    absl::StrAppend(&out, absl::Hex(random(), absl::kZeroPad8));
  }
  return out;
}

absl::StatusOr<std::unique_ptr<Client>> Client::Create(
    const ClientOptions& options) {
  grpc::SslCredentialsOptions ssl;
  absl::StatusOr<std::string> ca = ReadPem("CA file", options.ca_file);
  if (!ca.ok()) return ca.status();
  absl::StatusOr<std::string> cert = ReadPem("certificate file", options.cert_file);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadPem("key file", options.key_file);
  if (!key.ok()) return key.status();
  ssl.pem_root_certs = *std::move(ca);
  ssl.pem_cert_chain = *std::move(cert);
  ssl.pem_private_key = *std::move(key);
  // The server's own limits: requests of at most 1 MiB, responses of at
  // most 4 MiB (a queue page stops early to fit).
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(1 << 20);
  args.SetMaxReceiveMessageSize(4 << 20);
  std::shared_ptr<grpc::Channel> channel = grpc::CreateCustomChannel(
      options.target, grpc::SslCredentials(ssl), args);
  return std::unique_ptr<Client>(new Client(options, std::move(channel)));
}

Client::Client(const ClientOptions& options,
               std::shared_ptr<grpc::Channel> channel)
    : options_(options),
      channel_(std::move(channel)),
      server_info_(v1::ServerInfo::NewStub(channel_)),
      referrals_(v1::Referrals::NewStub(channel_)),
      audit_(v1::Audit::NewStub(channel_)),
      reports_(v1::Reports::NewStub(channel_)) {}

template <typename Call>
absl::Status Client::WithRetries(bool retry, Call call) {
  const int attempts = retry ? std::max(1, options_.retry.max_attempts) : 1;
  absl::Duration backoff = options_.retry.initial_backoff;
  std::mt19937_64 jitter(std::random_device{}());
  for (int attempt = 1;; ++attempt) {
    grpc::ClientContext context;
    context.set_deadline(
        absl::ToChronoTime(absl::Now() + options_.default_deadline));
    absl::Status status = FromGrpc(call(&context));
    if (status.code() != absl::StatusCode::kUnavailable || attempt >= attempts) {
      return status;
    }
    // Full jitter: anywhere between no wait and the current backoff.
    std::uniform_int_distribution<int64_t> pick(
        0, absl::ToInt64Microseconds(backoff));
    absl::SleepFor(absl::Microseconds(pick(jitter)));
    backoff = std::min(backoff * 2, options_.retry.max_backoff);
  }
}

template <typename Response, typename Call>
absl::StatusOr<Response> Client::Unary(bool retry, Call call) {
  Response response;
  absl::Status s = WithRetries(
      retry, [&](grpc::ClientContext* c) { return call(c, &response); });
  if (!s.ok()) return s;
  return response;
}

absl::StatusOr<v1::GetServerInfoResponse> Client::GetServerInfo() {
  return Unary<v1::GetServerInfoResponse>(true, [&](auto* c, auto* out) {
    return server_info_->GetServerInfo(c, v1::GetServerInfoRequest(), out);
  });
}

absl::Status Client::CheckHealth() {
  auto stub = grpc::health::v1::Health::NewStub(channel_);
  grpc::health::v1::HealthCheckResponse response;
  absl::Status s = WithRetries(true, [&](grpc::ClientContext* c) {
    return stub->Check(c, grpc::health::v1::HealthCheckRequest(), &response);
  });
  if (!s.ok()) return s;
  if (response.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
    return absl::UnavailableError(absl::StrCat(
        "server is ",
        grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
            response.status())));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Referral> Client::SubmitReferral(
    const v1::Referral& referral, std::string request_id) {
  v1::SubmitReferralRequest request;
  request.set_request_id(request_id.empty() ? NewRequestId() : request_id);
  *request.mutable_referral() = referral;
  // The request id makes a retry return the first referral, never a second.
  return Unary<v1::Referral>(true, [&](auto* c, auto* out) {
    return referrals_->SubmitReferral(c, request, out);
  });
}

absl::StatusOr<v1::Referral> Client::GetReferral(const std::string& name) {
  v1::GetReferralRequest request;
  request.set_name(name);
  return Unary<v1::Referral>(true, [&](auto* c, auto* out) {
    return referrals_->GetReferral(c, request, out);
  });
}

absl::StatusOr<v1::ListReferralsResponse> Client::ListReferrals(
    const v1::ListReferralsRequest& request) {
  return Unary<v1::ListReferralsResponse>(true, [&](auto* c, auto* out) {
    return referrals_->ListReferrals(c, request, out);
  });
}

absl::StatusOr<v1::Referral> Client::TransitionReferral(
    const v1::TransitionReferralRequest& request) {
  return Unary<v1::Referral>(false, [&](auto* c, auto* out) {
    return referrals_->TransitionReferral(c, request, out);
  });
}

absl::StatusOr<v1::Referral> Client::AssignReferral(const std::string& name,
                                                    const std::string& assignee,
                                                    int64_t version) {
  v1::AssignReferralRequest request;
  request.set_name(name);
  request.set_assignee(assignee);
  request.set_version(version);
  return Unary<v1::Referral>(false, [&](auto* c, auto* out) {
    return referrals_->AssignReferral(c, request, out);
  });
}

absl::StatusOr<v1::Referral> Client::AddNote(const std::string& name,
                                             const std::string& text) {
  v1::AddNoteRequest request;
  request.set_name(name);
  request.set_text(text);
  return Unary<v1::Referral>(false, [&](auto* c, auto* out) {
    return referrals_->AddNote(c, request, out);
  });
}

absl::Status Client::WatchReferrals(
    const v1::ReferralFilter& filter,
    const std::function<bool(const v1::ReferralEvent&)>& on_event,
    const std::function<absl::Status()>& on_live) {
  grpc::ClientContext context;  // no deadline: a watch runs until stopped
  v1::WatchReferralsRequest request;
  *request.mutable_filter() = filter;
  auto stream = referrals_->WatchReferrals(&context, request);
  v1::ReferralEvent event;
  auto stop = [&](absl::Status status) {
    context.TryCancel();
    while (stream->Read(&event)) {
    }
    stream->Finish();
    return status;
  };
  if (on_live != nullptr) {
    stream->WaitForInitialMetadata();
    // A refused watch ends without it; its status is read below.
    const auto& metadata = context.GetServerInitialMetadata();
    auto live = metadata.find("safeguard-watch");
    if (live != metadata.end() && live->second == "live") {
      absl::Status s = on_live();
      if (!s.ok()) return stop(s);
    }
  }
  while (stream->Read(&event)) {
    if (!on_event(event)) return stop(absl::OkStatus());
  }
  return FromGrpc(stream->Finish());
}

absl::StatusOr<v1::ListAuditEntriesResponse> Client::ListAuditEntries(
    const v1::ListAuditEntriesRequest& request) {
  return Unary<v1::ListAuditEntriesResponse>(true, [&](auto* c, auto* out) {
    return audit_->ListAuditEntries(c, request, out);
  });
}

absl::StatusOr<v1::ListAuditEntriesResponse> Client::GetAccessLog(
    const v1::GetAccessLogRequest& request) {
  return Unary<v1::ListAuditEntriesResponse>(true, [&](auto* c, auto* out) {
    return audit_->GetAccessLog(c, request, out);
  });
}

absl::StatusOr<v1::VerifyAuditLogResponse> Client::VerifyAuditLog() {
  return Unary<v1::VerifyAuditLogResponse>(true, [&](auto* c, auto* out) {
    return audit_->VerifyAuditLog(c, v1::VerifyAuditLogRequest(), out);
  });
}

absl::Status Client::ExportAuditLog(
    int64_t from_sequence,
    const std::function<void(const v1::AuditExportItem&)>& on_item) {
  grpc::ClientContext context;
  v1::ExportAuditLogRequest request;
  request.set_from_sequence(from_sequence);
  auto stream = audit_->ExportAuditLog(&context, request);
  v1::AuditExportItem item;
  while (stream->Read(&item)) on_item(item);
  return FromGrpc(stream->Finish());
}

absl::StatusOr<v1::Referral> Client::BreakGlass(const std::string& name,
                                                const std::string& reason) {
  v1::BreakGlassRequest request;
  request.set_name(name);
  request.set_reason(reason);
  return Unary<v1::Referral>(false, [&](auto* c, auto* out) {
    return audit_->BreakGlass(c, request, out);
  });
}

absl::StatusOr<v1::ListReportDefinitionsResponse>
Client::ListReportDefinitions() {
  return Unary<v1::ListReportDefinitionsResponse>(
      true, [&](auto* c, auto* out) {
        return reports_->ListReportDefinitions(
            c, v1::ListReportDefinitionsRequest(), out);
      });
}

absl::StatusOr<v1::Report> Client::RunReport(
    const v1::RunReportRequest& request) {
  return Unary<v1::Report>(true, [&](auto* c, auto* out) {
    return reports_->RunReport(c, request, out);
  });
}

absl::StatusOr<v1::Report> Client::RunUnsuppressedReport(
    const v1::RunReportRequest& request, const std::string& reason) {
  v1::RunUnsuppressedReportRequest all;
  *all.mutable_request() = request;
  all.set_reason(reason);
  return Unary<v1::Report>(true, [&](auto* c, auto* out) {
    return reports_->RunUnsuppressedReport(c, all, out);
  });
}

}  // namespace safeguard
