// File: server/common/text_proto.h
//
// Reading protobuf text format, the format of safeguardd's configuration
// and access policy, with errors that say where: kInvalidArgument
// "<source>:<line>:<column>: <the parser's first error>", lines and columns
// counted from 1.
//
// Stateless functions; thread-safe. The message and tree are the caller's.
#ifndef SAFEGUARD_SERVER_COMMON_TEXT_PROTO_H_
#define SAFEGUARD_SERVER_COMMON_TEXT_PROTO_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "google/protobuf/text_format.h"

namespace safeguard {

// Parses `text` into `message`; `source` names the text in errors ("policy
// file /etc/safeguard/policy.textproto"). If `tree` is not null it receives
// where each field was, for errors found after parsing.
absl::Status ParseTextProto(
    const std::string& text, absl::string_view source,
    google::protobuf::Message* message,
    google::protobuf::TextFormat::ParseInfoTree* tree = nullptr);

// Reads the file at `path` and parses it as ParseTextProto does, with
// source "<what> <path>". A file that cannot be read is kNotFound "<what>
// <path>: cannot be read".
absl::Status ReadTextProtoFile(
    absl::string_view what, const std::string& path,
    google::protobuf::Message* message,
    google::protobuf::TextFormat::ParseInfoTree* tree = nullptr);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_COMMON_TEXT_PROTO_H_
