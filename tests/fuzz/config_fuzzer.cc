// config_fuzzer: safeguardd's configuration loader (ParseConfig, then
// FillDefaults and ValidateConfig, as start-up runs them) on arbitrary
// text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "server/config/server_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace safeguard;  // NOLINT
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<ServerConfig> config = ParseConfig(text, "fuzz.textproto");
  if (!config.ok()) return 0;
  FillDefaults(*config);
  if (ValidateConfig(*config).ok()) {
    (void)DatabasePath(*config);
    (void)LockPath(*config);
  }
  return 0;
}
