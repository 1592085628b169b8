// File: server/common/durable_file.h
//
// Files that must be on stable storage before anything depends on them (a
// re-keyed database, a backup, a restored database): syncing a file or a
// folder, writing a new file whole, and hashing a file for a manifest.
//
// Errors name the path and the system's reason, never file contents.
// Stateless functions; thread-safe.
#ifndef SAFEGUARD_SERVER_COMMON_DURABLE_FILE_H_
#define SAFEGUARD_SERVER_COMMON_DURABLE_FILE_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace safeguard {

// fsync() of a file, or of a folder (so that names made in it last).
absl::Status FsyncPath(const std::string& path, bool directory);

// The folder part of `path`: "." for a bare name, "/" for "/x".
std::string DirName(const std::string& path);

// Creates `path` (it must not exist), mode 0600, holding `contents`, and
// syncs it. A file that cannot be written whole is removed.
absl::Status WriteNewFile(const std::string& path, absl::string_view contents);

// The whole of a file (up to `max_bytes`; a larger one is an error).
absl::StatusOr<std::string> ReadWholeFile(const std::string& path,
                                          int64_t max_bytes);

struct FileDigest {
  int64_t bytes = 0;
  std::string sha256_hex;  // 64 lower-case hex digits
};
// Reads `path` through once, in blocks.
absl::StatusOr<FileDigest> DigestFile(const std::string& path);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_COMMON_DURABLE_FILE_H_
