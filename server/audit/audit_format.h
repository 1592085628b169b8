// File: server/audit/audit_format.h
//
// The audit log's formats, shared by the server and the offline verifier
// (safeguardctl audit verify-export): the hash chain over entries, the
// checkpoint file's lines, Ed25519 signing keys, and ChainVerifier, which
// checks a run of entries and the checkpoints that cover them.
//
//   leaf  = SHA-256(0x00 || deterministic bytes of the entry, hashes empty)
//   chain = SHA-256(0x01 || previous chain || leaf); the first previous
//           chain is 32 zero bytes
//   checkpoint line: "v1 <size> <head hex> <unix seconds> <base64 sig>",
//   the signature over "safeguard-audit-checkpoint v1\n<size>\n<head
//   hex>\n<unix seconds>\n"
//
// Functions are thread-safe; AuditSigner and AuditPublicKey are immutable
// and thread-safe; ChainVerifier is not.
#ifndef SAFEGUARD_SERVER_AUDIT_AUDIT_FORMAT_H_
#define SAFEGUARD_SERVER_AUDIT_AUDIT_FORMAT_H_

#include <cstdint>
#include <istream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "safeguard/v1/audit.pb.h"
#include "server/common/sha256.h"

namespace safeguard {

inline constexpr size_t kHashSize = kSha256Size;

std::string LeafHash(const v1::AuditEntry& entry);
std::string ChainHash(const std::string& previous_chain, const std::string& leaf);
std::string ZeroHash();

std::string CheckpointMessage(int64_t size, const std::string& head,
                              int64_t unix_seconds);
std::string FormatCheckpointLine(const v1::AuditCheckpoint& checkpoint);
absl::StatusOr<v1::AuditCheckpoint> ParseCheckpointLine(const std::string& line);
// Every checkpoint in the file, in order; a missing file has none. A last
// line without "\n" is left out: it is being appended, or was cut short
// (safeguardd removes it when it next starts). Any other line that is not a
// checkpoint is DATA_LOSS naming the file and line.
absl::StatusOr<std::vector<v1::AuditCheckpoint>> ReadCheckpointFile(
    const std::string& path);

// An export as `safeguardctl audit export` writes it: one AuditExportItem a
// line, in protobuf's JSON mapping; blank lines are skipped.
struct AuditExport {
  std::vector<v1::AuditEntry> entries;
  std::vector<v1::AuditCheckpoint> checkpoints;
};
// Reads an export from `in`; kInvalidArgument "<source_name>:<line>: not an
// export line" for the first line that is not one.
absl::StatusOr<AuditExport> ParseAuditExport(std::istream& in,
                                             const std::string& source_name);

// A checkpoint file as its writer sees it. An append cut short (a full
// disk, a crash) leaves a torn last line: one without "\n", or the last
// non-empty line when it does not parse.
struct CheckpointFileContents {
  bool exists = false;
  std::vector<v1::AuditCheckpoint> checkpoints;
  int64_t good_bytes = 0;  // up to the end of the last good line
  int64_t file_bytes = 0;  // more than good_bytes when the last line is torn
  int torn_line = 0;       // the torn line's number; 0 when there is none
  bool torn_line_ended = false;  // it has its "\n", yet is no checkpoint
};
// Reads the file, setting a torn last line aside (it is not an error); a
// bad line before the last is DATA_LOSS naming the file and line.
absl::StatusOr<CheckpointFileContents> ReadCheckpointFileContents(
    const std::string& path);

class AuditSigner {
 public:
  // Reads an Ed25519 private key (PEM) from a secret file
  // (server/common/secret_file.h), as the database key is read.
  static absl::StatusOr<std::unique_ptr<AuditSigner>> FromKeyFile(
      const std::string& path);
  ~AuditSigner();
  std::string Sign(const std::string& message) const;
  std::string PublicKeyPem() const;

 private:
  explicit AuditSigner(void* key) : key_(key) {}
  void* key_;  // EVP_PKEY*, owned
};

// Creates a new Ed25519 signing key file, a secret file (mode 0600); never
// overwrites.
absl::Status CreateSigningKeyFile(const std::string& path);

class AuditPublicKey {
 public:
  static absl::StatusOr<std::unique_ptr<AuditPublicKey>> FromPem(
      const std::string& pem);
  ~AuditPublicKey();
  bool Verify(const std::string& message, const std::string& signature) const;

 private:
  explicit AuditPublicKey(void* key) : key_(key) {}
  void* key_;  // EVP_PKEY*, owned
};

// An entry's stored hashes beside the leaf hash recomputed from the rest of
// it: the costly part of verification, which any thread may do.
struct HashedEntry {
  int64_t sequence = 0;
  std::string leaf;          // recomputed
  std::string stored_leaf;   // as read
  std::string stored_chain;  // as read
};
// Clears the entry's two hashes (they are kept in the result).
HashedEntry HashEntry(v1::AuditEntry& entry);

// Checks entries in sequence order, then the checkpoints.
class ChainVerifier {
 public:
  // `checkpoints` are those to check; `key` verifies their signatures.
  ChainVerifier(std::vector<v1::AuditCheckpoint> checkpoints,
                const AuditPublicKey& key);

  // Feeds the next entry; false once a problem was found.
  bool Add(const HashedEntry& entry);
  bool Add(v1::AuditEntry entry) { return Add(HashEntry(entry)); }
  // Checks the checkpoints against what was fed.
  v1::VerifyAuditLogResponse Finish();

 private:
  void Fail(int64_t sequence, std::string problem);

  std::vector<v1::AuditCheckpoint> checkpoints_;
  const AuditPublicKey& key_;
  std::map<int64_t, std::string> wanted_heads_;  // size -> head seen there
  int64_t count_ = 0;
  std::string chain_ = ZeroHash();
  bool failed_ = false;
  v1::VerifyAuditLogResponse result_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_AUDIT_AUDIT_FORMAT_H_
