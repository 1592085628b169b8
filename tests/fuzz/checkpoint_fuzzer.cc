// checkpoint_fuzzer: the audit checkpoint file's line parser
// (ParseCheckpointLine) on each line of arbitrary text. A line that parses
// must format to a line that parses to the same checkpoint; its signature
// is then checked as the verifier does.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/str_split.h"
#include "server/audit/audit_format.h"
#include "tests/fuzz/fuzz_keys.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace safeguard;  // NOLINT
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    absl::StatusOr<v1::AuditCheckpoint> c = ParseCheckpointLine(std::string(line));
    if (!c.ok()) continue;
    absl::StatusOr<v1::AuditCheckpoint> again =
        ParseCheckpointLine(FormatCheckpointLine(*c));
    if (!again.ok() || again->SerializeAsString() != c->SerializeAsString()) {
      std::abort();
    }
    (void)safeguard::fuzz::FuzzAuditKey().Verify(
        CheckpointMessage(c->size(), c->head(), c->time().seconds()),
        c->signature());
  }
  return 0;
}
