#include "server/common/text_proto.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/tokenizer.h"

namespace safeguard {
namespace {

// Keeps the first parse error, with its position.
class FirstErrorCollector final : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (error_.empty()) {
      error_ = absl::StrCat(line + 1, ":", column + 1, ": ", message);
    }
  }
  const std::string& error() const { return error_; }

 private:
  std::string error_;
};

}  // namespace

absl::Status ParseTextProto(const std::string& text, absl::string_view source,
                            google::protobuf::Message* message,
                            google::protobuf::TextFormat::ParseInfoTree* tree) {
  FirstErrorCollector errors;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  if (tree != nullptr) parser.WriteLocationsTo(tree);
  if (!parser.ParseFromString(text, message)) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ":", errors.error()));
  }
  return absl::OkStatus();
}

absl::Status ReadTextProtoFile(
    absl::string_view what, const std::string& path,
    google::protobuf::Message* message,
    google::protobuf::TextFormat::ParseInfoTree* tree) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(what, " ", path, ": cannot be read"));
  }
  std::stringstream text;
  text << in.rdbuf();
  return ParseTextProto(text.str(), absl::StrCat(what, " ", path), message,
                        tree);
}

}  // namespace safeguard
