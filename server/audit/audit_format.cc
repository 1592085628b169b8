#include "server/audit/audit_format.h"

#include <fstream>
#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "openssl/evp.h"
#include "openssl/pem.h"
#include "server/common/deterministic_bytes.h"
#include "server/common/secret_file.h"

namespace safeguard {
namespace {

constexpr absl::string_view kKeyFile = "audit signing key file";

// The leaf hash of an entry whose leaf_hash and chain_hash are empty.
std::string BareLeafHash(const v1::AuditEntry& bare) {
  return Sha256({absl::string_view("\x00", 1), DeterministicBytes(bare)});
}

}  // namespace

std::string ZeroHash() { return std::string(kHashSize, '\0'); }

std::string LeafHash(const v1::AuditEntry& entry) {
  if (entry.leaf_hash().empty() && entry.chain_hash().empty()) {
    return BareLeafHash(entry);  // as a new entry is: no copy needed
  }
  v1::AuditEntry bare = entry;
  bare.clear_leaf_hash();
  bare.clear_chain_hash();
  return BareLeafHash(bare);
}

std::string ChainHash(const std::string& previous_chain,
                      const std::string& leaf) {
  return Sha256({"\x01", previous_chain, leaf});
}

std::string CheckpointMessage(int64_t size, const std::string& head,
                              int64_t unix_seconds) {
  return absl::StrCat("safeguard-audit-checkpoint v1\n", size, "\n",
                      absl::BytesToHexString(head), "\n", unix_seconds, "\n");
}

std::string FormatCheckpointLine(const v1::AuditCheckpoint& c) {
  return absl::StrCat("v1 ", c.size(), " ", absl::BytesToHexString(c.head()),
                      " ", c.time().seconds(), " ",
                      absl::Base64Escape(c.signature()));
}

absl::StatusOr<v1::AuditCheckpoint> ParseCheckpointLine(const std::string& line) {
  std::vector<std::string> parts = absl::StrSplit(line, ' ');
  v1::AuditCheckpoint c;
  int64_t size = 0, seconds = 0;
  std::string signature;
  if (parts.size() != 5 || parts[0] != "v1" || !absl::SimpleAtoi(parts[1], &size) ||
      parts[2].size() != 2 * kHashSize || !absl::SimpleAtoi(parts[3], &seconds) ||
      !absl::Base64Unescape(parts[4], &signature)) {
    return absl::InvalidArgumentError("not a checkpoint line");
  }
  c.set_size(size);
  c.set_head(absl::HexStringToBytes(parts[2]));
  c.mutable_time()->set_seconds(seconds);
  c.set_signature(signature);
  return c;
}

absl::StatusOr<CheckpointFileContents> ReadCheckpointFileContents(
    const std::string& path) {
  CheckpointFileContents out;
  std::ifstream in(path, std::ios::binary);
  if (!in) return out;
  out.exists = true;
  std::string line;
  int number = 0;
  int bad_line = 0;  // a line that did not parse, unless it is the last
  while (std::getline(in, line)) {
    ++number;
    const bool terminated = !in.eof();
    out.file_bytes += static_cast<int64_t>(line.size()) + (terminated ? 1 : 0);
    if (line.empty()) {
      if (bad_line == 0) out.good_bytes = out.file_bytes;
      continue;
    }
    if (bad_line != 0) {
      return absl::DataLossError(absl::StrCat(
          "checkpoint file ", path, ":", bad_line, ": not a checkpoint line"));
    }
    absl::StatusOr<v1::AuditCheckpoint> c = ParseCheckpointLine(line);
    if (!terminated || !c.ok()) {
      bad_line = number;
      out.torn_line_ended = terminated;
      continue;
    }
    out.checkpoints.push_back(*std::move(c));
    out.good_bytes = out.file_bytes;
  }
  out.torn_line = bad_line;
  return out;
}

absl::StatusOr<AuditExport> ParseAuditExport(std::istream& in,
                                             const std::string& source_name) {
  AuditExport out;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    v1::AuditExportItem item;
    if (!google::protobuf::util::JsonStringToMessage(line, &item).ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(source_name, ":", number, ": not an export line"));
    }
    if (item.has_entry()) out.entries.push_back(std::move(*item.mutable_entry()));
    if (item.has_checkpoint()) {
      out.checkpoints.push_back(std::move(*item.mutable_checkpoint()));
    }
  }
  return out;
}

absl::StatusOr<std::vector<v1::AuditCheckpoint>> ReadCheckpointFile(
    const std::string& path) {
  absl::StatusOr<CheckpointFileContents> contents =
      ReadCheckpointFileContents(path);
  if (!contents.ok()) return contents.status();
  // Only a line still without its "\n" may be left out.
  if (contents->torn_line_ended) {
    return absl::DataLossError(absl::StrCat("checkpoint file ", path, ":",
                                            contents->torn_line,
                                            ": not a checkpoint line"));
  }
  return std::move(contents->checkpoints);
}

// ---- keys ----

absl::StatusOr<std::unique_ptr<AuditSigner>> AuditSigner::FromKeyFile(
    const std::string& path) {
  absl::StatusOr<std::string> pem = ReadSecretFile(kKeyFile, path);
  if (!pem.ok()) return pem.status();
  BIO* bio = BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  WipeString(*pem);
  if (key == nullptr || EVP_PKEY_id(key) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(key);
    return absl::FailedPreconditionError(absl::StrCat(
        kKeyFile, " ", path, ": holds no Ed25519 private key (PEM)"));
  }
  return std::unique_ptr<AuditSigner>(new AuditSigner(key));
}

AuditSigner::~AuditSigner() { EVP_PKEY_free(static_cast<EVP_PKEY*>(key_)); }

std::string AuditSigner::Sign(const std::string& message) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned char sig[64];
  size_t len = sizeof(sig);
  bool ok = EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr,
                               static_cast<EVP_PKEY*>(key_)) == 1 &&
            EVP_DigestSign(ctx, sig, &len,
                           reinterpret_cast<const unsigned char*>(message.data()),
                           message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok ? std::string(reinterpret_cast<char*>(sig), len) : "";
}

std::string AuditSigner::PublicKeyPem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, static_cast<EVP_PKEY*>(key_));
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len));
  BIO_free(bio);
  return out;
}

absl::Status CreateSigningKeyFile(const std::string& path) {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (key == nullptr) return absl::InternalError("cannot make an Ed25519 key");
  // Secure memory: the PEM is cleansed when the BIO is freed.
  BIO* bio = BIO_new(BIO_s_secmem());
  const bool written = bio != nullptr &&
                       PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0,
                                                nullptr, nullptr) == 1;
  EVP_PKEY_free(key);
  char* data = nullptr;
  const long len = written ? BIO_get_mem_data(bio, &data) : 0;
  absl::Status created =
      written ? CreateSecretFile(kKeyFile, path,
                                 absl::string_view(data, static_cast<size_t>(len)))
              : absl::InternalError("cannot write an Ed25519 key as PEM");
  BIO_free(bio);
  return created;
}

absl::StatusOr<std::unique_ptr<AuditPublicKey>> AuditPublicKey::FromPem(
    const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr || EVP_PKEY_id(key) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(key);
    return absl::InvalidArgumentError("not an Ed25519 public key (PEM)");
  }
  return std::unique_ptr<AuditPublicKey>(new AuditPublicKey(key));
}

AuditPublicKey::~AuditPublicKey() { EVP_PKEY_free(static_cast<EVP_PKEY*>(key_)); }

bool AuditPublicKey::Verify(const std::string& message,
                            const std::string& signature) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr,
                                 static_cast<EVP_PKEY*>(key_)) == 1 &&
            EVP_DigestVerify(
                ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                signature.size(),
                reinterpret_cast<const unsigned char*>(message.data()),
                message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

// ---- ChainVerifier ----

ChainVerifier::ChainVerifier(std::vector<v1::AuditCheckpoint> checkpoints,
                             const AuditPublicKey& key)
    : checkpoints_(std::move(checkpoints)), key_(key) {
  for (const v1::AuditCheckpoint& c : checkpoints_) wanted_heads_[c.size()];
}

void ChainVerifier::Fail(int64_t sequence, std::string problem) {
  if (failed_) return;
  failed_ = true;
  result_.set_first_bad_sequence(sequence);
  result_.set_problem(std::move(problem));
}

HashedEntry HashEntry(v1::AuditEntry& entry) {
  // Hashed as written: without its two hashes.
  HashedEntry h;
  h.sequence = entry.sequence();
  h.stored_leaf = entry.leaf_hash();
  h.stored_chain = entry.chain_hash();
  entry.clear_leaf_hash();
  entry.clear_chain_hash();
  h.leaf = BareLeafHash(entry);
  return h;
}

bool ChainVerifier::Add(const HashedEntry& entry) {
  if (failed_) return false;
  const int64_t want = count_ + 1;
  if (entry.sequence != want) {
    Fail(want, entry.sequence > want
                   ? absl::StrCat("entry ", want, " is missing")
                   : absl::StrCat("entry ", entry.sequence,
                                  " is out of order or repeated"));
    return false;
  }
  if (entry.leaf != entry.stored_leaf) {
    Fail(want, absl::StrCat("entry ", want, " was changed: its hash differs"));
    return false;
  }
  chain_ = ChainHash(chain_, entry.leaf);
  if (chain_ != entry.stored_chain) {
    Fail(want, absl::StrCat("entry ", want,
                            " does not follow the entry before it"));
    return false;
  }
  count_ = want;
  auto it = wanted_heads_.find(count_);
  if (it != wanted_heads_.end()) it->second = chain_;
  return true;
}

v1::VerifyAuditLogResponse ChainVerifier::Finish() {
  int64_t last_size = 0;
  int n = 0;
  for (const v1::AuditCheckpoint& c : checkpoints_) {
    ++n;
    if (failed_) break;
    if (!key_.Verify(CheckpointMessage(c.size(), c.head(), c.time().seconds()),
                     c.signature())) {
      Fail(0, absl::StrCat("checkpoint ", n, " (size ", c.size(),
                           ") has a bad signature"));
      break;
    }
    if (c.size() < last_size) {
      Fail(0, absl::StrCat("checkpoint ", n, " is older than the one before it"));
      break;
    }
    last_size = c.size();
    if (c.size() > count_) {
      Fail(count_ + 1,
           absl::StrCat("checkpoint ", n, " covers ", c.size(),
                        " entries but the log has ", count_,
                        ": entries were removed from the end"));
      break;
    }
    if (c.size() > 0 && wanted_heads_[c.size()] != c.head()) {
      Fail(0, absl::StrCat("checkpoint ", n, " (size ", c.size(),
                           ") does not match the log: an entry at or before ",
                           c.size(), " was changed, removed, added or moved"));
      break;
    }
  }
  result_.set_ok(!failed_);
  result_.set_entries(count_);
  result_.set_checkpoints(static_cast<int64_t>(checkpoints_.size()));
  result_.set_unsigned_entries(count_ - last_size);
  return result_;
}

}  // namespace safeguard
