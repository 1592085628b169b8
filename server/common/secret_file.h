// File: server/common/secret_file.h
//
// Secret files: the database key and the audit signing key. Every check a
// key file gets is here, written once, so that the two keys are held to
// the same rules:
//
//   ReadSecretFile()   opens without following a symbolic link (and
//                      without blocking on a FIFO), then, on that open file,
//                      refuses anything but a regular file of the user
//                      running safeguardd that neither group nor others may
//                      access (mode 0600 or 0400), and one larger than
//                      kMaxSecretFileBytes;
//   CreateSecretFile() creates a new file, mode 0600, never replacing one
//                      (nor following a link), and syncs it to disk.
//
// Errors name the file by what it is and its path: kFailedPrecondition
// "<what> <path>: <problem>", e.g. "key file /data/db.key: group or others
// can access it (mode 0644); run chmod 600 on it".
//
// Stateless functions; thread-safe. The caller owns the bytes read and
// wipes them (WipeString) when done.
#ifndef SAFEGUARD_SERVER_COMMON_SECRET_FILE_H_
#define SAFEGUARD_SERVER_COMMON_SECRET_FILE_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace safeguard {

// A key is small; a larger file is not one.
inline constexpr size_t kMaxSecretFileBytes = 64 * 1024;

// The whole of the secret file at `path`; `what` names it in errors
// ("key file"). Any bytes read are wiped before an error is returned.
absl::StatusOr<std::string> ReadSecretFile(absl::string_view what,
                                           const std::string& path);

// Creates `path` holding `contents`, mode 0600. kAlreadyExists "<what>
// <path> already exists" if anything is there (a link included): a key is
// never overwritten. A file that cannot be written whole is removed.
absl::Status CreateSecretFile(absl::string_view what, const std::string& path,
                              absl::string_view contents);

// Overwrites the bytes of `s` with zeros, in a way the compiler keeps.
void WipeString(std::string& s);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_COMMON_SECRET_FILE_H_
