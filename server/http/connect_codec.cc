#include "server/http/connect_codec.h"

#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"
#include "server/core/field_violations.h"

namespace safeguard::http {
namespace {

// Appends `s` as a JSON string literal. Bytes that are not valid UTF-8 are
// replaced by U+FFFD, so the output is always valid JSON.
void AppendJsonString(absl::string_view s, std::string* out) {
  out->push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out->append("\\\""); break;
        case '\\': out->append("\\\\"); break;
        case '\n': out->append("\\n"); break;
        case '\r': out->append("\\r"); break;
        case '\t': out->append("\\t"); break;
        default:
          if (c < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof(buf), "\\u%04x", c);
            out->append(buf);
          } else {
            out->push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    // A multi-byte sequence: its length from the lead byte, then checked.
    size_t len = 0;
    uint32_t cp = 0;
    if ((c & 0xe0) == 0xc0) {
      len = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      cp = c & 0x07;
    }
    bool valid = len != 0 && i + len <= s.size();
    for (size_t k = 1; valid && k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      valid = (cc & 0xc0) == 0x80;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (valid) {
      // Overlong forms, surrogates and values past U+10FFFF are invalid.
      static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
      valid = cp >= kMin[len] && cp <= 0x10ffff &&
              !(cp >= 0xd800 && cp <= 0xdfff);
    }
    if (valid) {
      out->append(s.data() + i, len);
      i += len;
    } else {
      out->append("\xef\xbf\xbd");
      ++i;
    }
  }
  out->push_back('"');
}

std::string UnpaddedBase64(absl::string_view bytes) {
  std::string encoded = absl::Base64Escape(bytes);
  while (!encoded.empty() && encoded.back() == '=') encoded.pop_back();
  return encoded;
}

uint32_t ReadBigEndian32(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) |
         (uint32_t{b[2]} << 8) | uint32_t{b[3]};
}

}  // namespace

std::optional<ContentType> ParseContentType(absl::string_view header) {
  absl::string_view value = absl::StripAsciiWhitespace(header);
  std::string type = absl::AsciiStrToLower(value);
  if (type == "application/json") return ContentType{Codec::kJson, false};
  if (type == "application/proto") return ContentType{Codec::kProto, false};
  if (type == "application/connect+json") return ContentType{Codec::kJson, true};
  if (type == "application/connect+proto") {
    return ContentType{Codec::kProto, true};
  }
  // "application/json; charset=utf-8" (or "utf8"), the one parameter allowed.
  absl::string_view rest = type;
  if (absl::ConsumePrefix(&rest, "application/json")) {
    rest = absl::StripLeadingAsciiWhitespace(rest);
    if (absl::ConsumePrefix(&rest, ";")) {
      rest = absl::StripAsciiWhitespace(rest);
      if (rest == "charset=utf-8" || rest == "charset=utf8") {
        return ContentType{Codec::kJson, false};
      }
    }
  }
  return std::nullopt;
}

const char* ContentTypeName(ContentType type) {
  if (type.streaming) {
    return type.codec == Codec::kJson ? "application/connect+json"
                                      : "application/connect+proto";
  }
  return type.codec == Codec::kJson ? "application/json" : "application/proto";
}

absl::Status DecodeMessage(Codec codec, absl::string_view body,
                           google::protobuf::Message* message) {
  message->Clear();
  bool ok = false;
  if (codec == Codec::kJson) {
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    ok = google::protobuf::util::JsonStringToMessage(
             google::protobuf::StringPiece(body.data(), body.size()), message,
             options)
             .ok();
  } else {
    ok = message->ParseFromArray(body.data(), static_cast<int>(body.size()));
  }
  if (!ok) {
    message->Clear();
    return absl::InvalidArgumentError(absl::StrCat(
        "the request body is not a valid ",
        codec == Codec::kJson ? "JSON " : "binary ",
        message->GetDescriptor()->full_name(), " message"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> EncodeMessage(
    Codec codec, const google::protobuf::Message& message) {
  std::string out;
  if (codec == Codec::kJson) {
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = false;  // lowerCamelCase
    if (!google::protobuf::util::MessageToJsonString(message, &out, options)
             .ok()) {
      return absl::InternalError("the response could not be encoded as JSON");
    }
  } else if (!message.SerializeToString(&out)) {
    return absl::InternalError("the response could not be encoded");
  }
  return out;
}

absl::string_view ConnectCodeName(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return "";
    case absl::StatusCode::kCancelled: return "canceled";
    case absl::StatusCode::kUnknown: return "unknown";
    case absl::StatusCode::kInvalidArgument: return "invalid_argument";
    case absl::StatusCode::kDeadlineExceeded: return "deadline_exceeded";
    case absl::StatusCode::kNotFound: return "not_found";
    case absl::StatusCode::kAlreadyExists: return "already_exists";
    case absl::StatusCode::kPermissionDenied: return "permission_denied";
    case absl::StatusCode::kResourceExhausted: return "resource_exhausted";
    case absl::StatusCode::kFailedPrecondition: return "failed_precondition";
    case absl::StatusCode::kAborted: return "aborted";
    case absl::StatusCode::kOutOfRange: return "out_of_range";
    case absl::StatusCode::kUnimplemented: return "unimplemented";
    case absl::StatusCode::kInternal: return "internal";
    case absl::StatusCode::kUnavailable: return "unavailable";
    case absl::StatusCode::kDataLoss: return "data_loss";
    case absl::StatusCode::kUnauthenticated: return "unauthenticated";
    default: return "unknown";
  }
}

int HttpStatusForCode(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return 200;
    case absl::StatusCode::kCancelled: return 499;
    case absl::StatusCode::kUnknown: return 500;
    case absl::StatusCode::kInvalidArgument: return 400;
    case absl::StatusCode::kDeadlineExceeded: return 504;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kAlreadyExists: return 409;
    case absl::StatusCode::kPermissionDenied: return 403;
    case absl::StatusCode::kResourceExhausted: return 429;
    case absl::StatusCode::kFailedPrecondition: return 400;
    case absl::StatusCode::kAborted: return 409;
    case absl::StatusCode::kOutOfRange: return 400;
    case absl::StatusCode::kUnimplemented: return 501;
    case absl::StatusCode::kInternal: return 500;
    case absl::StatusCode::kUnavailable: return 503;
    case absl::StatusCode::kDataLoss: return 500;
    case absl::StatusCode::kUnauthenticated: return 401;
    default: return 500;
  }
}

std::string ErrorJson(const absl::Status& status) {
  std::string out = "{\"code\":";
  AppendJsonString(ConnectCodeName(status.code()), &out);
  if (!status.message().empty()) {
    out.append(",\"message\":");
    AppendJsonString(status.message(), &out);
  }
  // The same google.rpc.BadRequest the gRPC transport sends
  // (server/rpc/status_convert.cc).
  std::vector<FieldViolation> violations = FieldViolations(status);
  if (!violations.empty()) {
    google::rpc::BadRequest bad_request;
    for (const FieldViolation& v : violations) {
      auto* fv = bad_request.add_field_violations();
      fv->set_field(v.field);
      fv->set_description(v.description);
    }
    out.append(",\"details\":[{\"type\":");
    AppendJsonString(bad_request.GetDescriptor()->full_name(), &out);
    out.append(",\"value\":");
    AppendJsonString(UnpaddedBase64(bad_request.SerializeAsString()), &out);
    out.append("}]");
  }
  out.push_back('}');
  return out;
}

std::string EndStreamJson(const absl::Status& status) {
  if (status.ok()) return "{}";
  return absl::StrCat("{\"error\":", ErrorJson(status), "}");
}

std::string EncodeEnvelope(uint8_t flags, absl::string_view message) {
  const auto n = static_cast<uint32_t>(message.size());
  std::string out;
  out.reserve(kEnvelopePrefixBytes + message.size());
  out.push_back(static_cast<char>(flags));
  out.push_back(static_cast<char>((n >> 24) & 0xff));
  out.push_back(static_cast<char>((n >> 16) & 0xff));
  out.push_back(static_cast<char>((n >> 8) & 0xff));
  out.push_back(static_cast<char>(n & 0xff));
  out.append(message.data(), message.size());
  return out;
}

absl::StatusOr<std::vector<Envelope>> ParseEnvelopes(absl::string_view data) {
  std::vector<Envelope> out;
  while (!data.empty()) {
    if (data.size() < kEnvelopePrefixBytes) {
      return absl::InvalidArgumentError("a stream frame's prefix is truncated");
    }
    const uint32_t length = ReadBigEndian32(data.data() + 1);
    if (data.size() - kEnvelopePrefixBytes < length) {
      return absl::InvalidArgumentError("a stream frame's message is truncated");
    }
    Envelope envelope;
    envelope.flags = static_cast<uint8_t>(data[0]);
    envelope.message =
        std::string(data.substr(kEnvelopePrefixBytes, length));
    out.push_back(std::move(envelope));
    data.remove_prefix(kEnvelopePrefixBytes + length);
  }
  return out;
}

absl::StatusOr<std::string> ParseRequestEnvelope(absl::string_view body) {
  absl::StatusOr<std::vector<Envelope>> envelopes = ParseEnvelopes(body);
  if (!envelopes.ok()) return envelopes.status();
  if (envelopes->size() != 1) {
    return absl::InvalidArgumentError(
        "a streaming request must be exactly one stream frame");
  }
  const Envelope& envelope = envelopes->front();
  if ((envelope.flags & kFlagCompressed) != 0) {
    return absl::InvalidArgumentError(
        "compressed stream frames are not supported");
  }
  if (envelope.flags != 0) {
    return absl::InvalidArgumentError(
        "a request's stream frame must have no flags set");
  }
  return envelope.message;
}

absl::StatusOr<std::optional<absl::Duration>> ParseTimeoutHeader(
    absl::string_view header) {
  if (header.empty()) return std::optional<absl::Duration>();
  if (header.size() > 10) {
    return absl::InvalidArgumentError(
        "Connect-Timeout-Ms must be at most 10 digits");
  }
  for (char c : header) {
    if (c < '0' || c > '9') {
      return absl::InvalidArgumentError(
          "Connect-Timeout-Ms must be a number of milliseconds");
    }
  }
  int64_t ms = 0;
  if (!absl::SimpleAtoi(header, &ms)) {
    return absl::InvalidArgumentError(
        "Connect-Timeout-Ms must be a number of milliseconds");
  }
  return std::optional<absl::Duration>(absl::Milliseconds(ms));
}

}  // namespace safeguard::http
