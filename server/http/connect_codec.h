// File: server/http/connect_codec.h
//
// The Connect protocol's (connectrpc.com) wire formats, without any HTTP
// library: which content types a request may have, decoding a request body
// into a message and encoding a response, the Connect error JSON with its
// HTTP status, the enveloped framing of streams, and the Connect-Timeout-Ms
// header. ConnectServer (https_server.h) is the only caller in the server.
//
// Errors never quote the bytes they were given: a body that does not decode
// is INVALID_ARGUMENT naming only the expected message type, since request
// bodies may hold personal data.
//
// Stateless functions; thread-safe.
#ifndef SAFEGUARD_SERVER_HTTP_CONNECT_CODEC_H_
#define SAFEGUARD_SERVER_HTTP_CONNECT_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"

namespace safeguard::http {

enum class Codec { kJson, kProto };

// A Connect request's content type: unary ("application/json", with an
// optional "; charset=utf-8", or "application/proto") or streaming
// ("application/connect+json", "application/connect+proto").
struct ContentType {
  Codec codec = Codec::kJson;
  bool streaming = false;

  friend bool operator==(const ContentType& a, const ContentType& b) {
    return a.codec == b.codec && a.streaming == b.streaming;
  }
};

// The content type named by a Content-Type header value (type and subtype
// case-insensitive); nullopt for anything else, e.g. a form post.
std::optional<ContentType> ParseContentType(absl::string_view header);

// The header value a response of `type` carries, e.g. "application/json".
const char* ContentTypeName(ContentType type);

// Parses `body` into `message` (whose contents are replaced). JSON follows
// the proto3 JSON mapping and refuses unknown fields. INVALID_ARGUMENT, naming
// the message type only, if the body does not decode.
absl::Status DecodeMessage(Codec codec, absl::string_view body,
                           google::protobuf::Message* message);

// `message` as a response body: binary, or proto3 JSON with lowerCamelCase
// field names and default values left out. INTERNAL if it cannot be encoded.
absl::StatusOr<std::string> EncodeMessage(
    Codec codec, const google::protobuf::Message& message);

// The Connect name of `code` ("invalid_argument"), and the HTTP status a
// unary error of that code is sent with (the protocol's table: 400, 404, ...).
// OK has no Connect name ("") and is HTTP 200.
absl::string_view ConnectCodeName(absl::StatusCode code);
int HttpStatusForCode(absl::StatusCode code);

// The Connect error JSON of `status` (REQUIRES: !status.ok()):
//   {"code":"invalid_argument","message":"...","details":[{"type":
//    "google.rpc.BadRequest","value":"<unpadded base64>"}]}
// with a google.rpc.BadRequest detail only when the status carries field
// violations (server/core/field_violations.h).
std::string ErrorJson(const absl::Status& status);

// A stream's end-of-stream message: "{}" for OK, else {"error":<ErrorJson>}.
std::string EndStreamJson(const absl::Status& status);

// The enveloped framing of streams: 1 byte of flags, 4 bytes of big-endian
// length, then the message.
inline constexpr uint8_t kFlagCompressed = 0x01;
inline constexpr uint8_t kFlagEndStream = 0x02;
inline constexpr size_t kEnvelopePrefixBytes = 5;

struct Envelope {
  uint8_t flags = 0;
  std::string message;
};

// One envelope on the wire. REQUIRES: message.size() < 2^32.
std::string EncodeEnvelope(uint8_t flags, absl::string_view message);

// Every envelope in `data`, in order. INVALID_ARGUMENT if `data` ends inside
// an envelope (a truncated prefix or message).
absl::StatusOr<std::vector<Envelope>> ParseEnvelopes(absl::string_view data);

// The message of a streaming request, which must be exactly one envelope
// with no flags set: INVALID_ARGUMENT for a truncated or trailing frame, a
// compressed one (compression is not offered) or an end-of-stream flag.
absl::StatusOr<std::string> ParseRequestEnvelope(absl::string_view body);

// The Connect-Timeout-Ms header: nullopt if absent (empty); else 1 to 10
// ASCII digits of milliseconds. INVALID_ARGUMENT for anything else.
absl::StatusOr<std::optional<absl::Duration>> ParseTimeoutHeader(
    absl::string_view header);

}  // namespace safeguard::http

#endif  // SAFEGUARD_SERVER_HTTP_CONNECT_CODEC_H_
