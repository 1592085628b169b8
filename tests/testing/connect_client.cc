#include "tests/testing/connect_client.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"
#include "httplib.h"
#include "server/core/field_violations.h"

namespace safeguard::testing {
namespace {

// The codes by their Connect names.
absl::StatusCode CodeFromName(const std::string& name) {
  static const std::pair<const char*, absl::StatusCode> kCodes[] = {
      {"canceled", absl::StatusCode::kCancelled},
      {"unknown", absl::StatusCode::kUnknown},
      {"invalid_argument", absl::StatusCode::kInvalidArgument},
      {"deadline_exceeded", absl::StatusCode::kDeadlineExceeded},
      {"not_found", absl::StatusCode::kNotFound},
      {"already_exists", absl::StatusCode::kAlreadyExists},
      {"permission_denied", absl::StatusCode::kPermissionDenied},
      {"resource_exhausted", absl::StatusCode::kResourceExhausted},
      {"failed_precondition", absl::StatusCode::kFailedPrecondition},
      {"aborted", absl::StatusCode::kAborted},
      {"out_of_range", absl::StatusCode::kOutOfRange},
      {"unimplemented", absl::StatusCode::kUnimplemented},
      {"internal", absl::StatusCode::kInternal},
      {"unavailable", absl::StatusCode::kUnavailable},
      {"data_loss", absl::StatusCode::kDataLoss},
      {"unauthenticated", absl::StatusCode::kUnauthenticated},
  };
  for (const auto& [n, code] : kCodes) {
    if (name == n) return code;
  }
  return absl::StatusCode::kInternal;
}

HttpAnswer FromResult(const httplib::Result& result) {
  HttpAnswer answer;
  if (!result) return answer;
  answer.status = result->status;
  for (const auto& [name, value] : result->headers) {
    answer.headers.emplace(absl::AsciiStrToLower(name), value);
  }
  answer.body = result->body;
  return answer;
}

httplib::Headers ToHeaders(const std::map<std::string, std::string>& in) {
  httplib::Headers out;
  for (const auto& [name, value] : in) out.emplace(name, value);
  return out;
}

std::string Envelope(uint8_t flags, const std::string& message) {
  std::string out(5, '\0');
  out[0] = static_cast<char>(flags);
  const uint32_t n = static_cast<uint32_t>(message.size());
  for (int i = 0; i < 4; ++i) out[1 + i] = static_cast<char>(n >> (24 - 8 * i));
  return out + message;
}

}  // namespace

std::string HttpAnswer::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

std::unique_ptr<google::protobuf::Message> NewResponse(const std::string& method) {
  const google::protobuf::MethodDescriptor* m =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
          absl::StrReplaceAll(method, {{"/", "."}}));
  return std::unique_ptr<google::protobuf::Message>(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(m->output_type())
          ->New());
}

absl::Status StatusFromConnectError(const std::string& json) {
  google::protobuf::Struct error;
  if (!google::protobuf::util::JsonStringToMessage(json, &error).ok()) {
    return absl::InternalError(absl::StrCat("not a Connect error: ", json));
  }
  const auto& fields = error.fields();
  auto code = fields.find("code");
  if (code == fields.end()) {
    return absl::InternalError(absl::StrCat("no code in: ", json));
  }
  auto message = fields.find("message");
  absl::Status status(
      CodeFromName(code->second.string_value()),
      message == fields.end() ? "" : message->second.string_value());
  auto details = fields.find("details");
  if (details == fields.end()) return status;
  std::vector<FieldViolation> violations;
  for (const auto& d : details->second.list_value().values()) {
    const auto& detail = d.struct_value().fields();
    if (detail.at("type").string_value() != "google.rpc.BadRequest") continue;
    std::string bytes;
    absl::Base64Unescape(detail.at("value").string_value(), &bytes);
    google::rpc::BadRequest bad;
    if (!bad.ParseFromString(bytes)) {
      return absl::InternalError("a BadRequest detail does not parse");
    }
    for (const auto& v : bad.field_violations()) {
      violations.push_back({v.field(), v.description()});
    }
  }
  if (violations.empty()) return status;
  // The violations ride as field_violations.h carries them, as received
  // (the server has capped them already).
  std::string payload;
  for (const FieldViolation& v : violations) {
    absl::StrAppend(&payload, v.field, "\t", v.description, "\n");
  }
  status.SetPayload("type.safeguard/field_violations", absl::Cord(payload));
  return status;
}

ConnectClient::ConnectClient(int port, const std::string& ca_file,
                             const std::optional<CertFiles>& client) {
  client_ = client.has_value()
                ? std::make_unique<httplib::SSLClient>("127.0.0.1", port,
                                                       client->cert,
                                                       client->key)
                : std::make_unique<httplib::SSLClient>("127.0.0.1", port);
  client_->set_ca_cert_path(ca_file.c_str());
  client_->enable_server_certificate_verification(true);
  client_->set_read_timeout(20, 0);
}

ConnectClient::~ConnectClient() = default;

absl::Status ConnectClient::Unary(
    const std::string& method, const google::protobuf::Message& request,
    google::protobuf::Message* response, Format format,
    const std::map<std::string, std::string>& headers) {
  std::string body;
  if (format == Format::kProto) {
    body = request.SerializeAsString();
  } else {
    google::protobuf::util::MessageToJsonString(request, &body);
  }
  std::map<std::string, std::string> all = {{"Connect-Protocol-Version", "1"}};
  for (const auto& [k, v] : headers) all[k] = v;
  httplib::Result result = client_->Post(
      "/" + method, ToHeaders(all), body,
      format == Format::kProto ? "application/proto" : "application/json");
  if (!result) {
    return absl::UnavailableError(
        absl::StrCat("no answer: ", httplib::to_string(result.error())));
  }
  if (result->status != 200) return StatusFromConnectError(result->body);
  const bool parsed =
      format == Format::kProto
          ? response->ParseFromString(result->body)
          : google::protobuf::util::JsonStringToMessage(result->body, response)
                .ok();
  if (!parsed) return absl::InternalError("the response does not parse");
  return absl::OkStatus();
}

StreamResult ConnectClient::Stream(const std::string& method,
                                   const google::protobuf::Message& request,
                                   Format format, int max_messages,
                                   int idle_ms,
                                   const std::function<void()>& on_live) {
  StreamResult out;
  std::string message;
  if (format == Format::kProto) {
    message = request.SerializeAsString();
  } else {
    google::protobuf::util::MessageToJsonString(request, &message);
  }
  httplib::Request req;
  req.method = "POST";
  req.path = "/" + method;
  req.headers = ToHeaders(
      {{"Connect-Protocol-Version", "1"},
       {"Content-Type", format == Format::kProto ? "application/connect+proto"
                                                 : "application/connect+json"}});
  req.body = Envelope(0, message);
  int http_status = 0;
  req.response_handler = [&](const httplib::Response& r) {
    http_status = r.status;
    out.live = r.get_header_value("Safeguard-Watch") == "live";
    if (out.live && on_live) on_live();
    return true;
  };
  std::string buffer;
  req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
    buffer.append(data, n);
    while (buffer.size() >= 5) {
      uint32_t len = 0;
      for (int i = 0; i < 4; ++i) {
        len = (len << 8) | static_cast<uint8_t>(buffer[1 + i]);
      }
      if (buffer.size() < 5 + len) break;
      const uint8_t flags = static_cast<uint8_t>(buffer[0]);
      std::string payload = buffer.substr(5, len);
      buffer.erase(0, 5 + len);
      if (flags & 0x02) {
        out.ended = true;
        google::protobuf::Struct end;
        google::protobuf::util::JsonStringToMessage(payload, &end);
        auto error = end.fields().find("error");
        if (error != end.fields().end()) {
          std::string error_json;
          google::protobuf::util::MessageToJsonString(error->second,
                                                      &error_json);
          out.status = StatusFromConnectError(error_json);
        }
        return false;
      }
      out.messages.push_back(std::move(payload));
      if (static_cast<int>(out.messages.size()) >= max_messages) return false;
    }
    return true;
  };
  client_->set_read_timeout(idle_ms / 1000, (idle_ms % 1000) * 1000);
  httplib::Response res;
  httplib::Error error = httplib::Error::Success;
  client_->send(req, res, error);
  client_->set_read_timeout(20, 0);
  client_->stop();  // hang up: a watch would otherwise stay open
  if (http_status != 200 && !out.ended) {
    out.status = http_status == 0
                     ? absl::UnavailableError("no answer")
                     : StatusFromConnectError(res.body);
  }
  return out;
}

HttpAnswer ConnectClient::Post(const std::string& path,
                               const std::map<std::string, std::string>& headers,
                               const std::string& body) {
  std::map<std::string, std::string> rest = headers;
  std::string content_type;
  if (auto it = rest.find("Content-Type"); it != rest.end()) {
    content_type = it->second;
    rest.erase(it);
  }
  return FromResult(client_->Post(path, ToHeaders(rest), body, content_type));
}

HttpAnswer ConnectClient::Get(const std::string& path) {
  return FromResult(client_->Get(path));
}

HttpAnswer ConnectClient::Send(const std::string& method,
                               const std::string& path) {
  httplib::Request req;
  req.method = method;
  req.path = path;
  return FromResult(client_->send(req));
}

}  // namespace safeguard::testing
