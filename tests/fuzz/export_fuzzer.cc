// export_fuzzer: what `safeguardctl audit verify-export` does with an
// export file: ParseAuditExport on arbitrary text, then ChainVerifier over
// its entries and checkpoints, with the key of fuzz_keys.h.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>

#include "server/audit/audit_format.h"
#include "tests/fuzz/fuzz_keys.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace safeguard;  // NOLINT
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  absl::StatusOr<AuditExport> parsed = ParseAuditExport(in, "fuzz.jsonl");
  if (!parsed.ok()) return 0;
  ChainVerifier verifier(std::move(parsed->checkpoints),
                         safeguard::fuzz::FuzzAuditKey());
  for (const v1::AuditEntry& e : parsed->entries) {
    if (!verifier.Add(e)) break;
  }
  (void)verifier.Finish();
  return 0;
}
