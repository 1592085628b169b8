// File: tests/fuzz/fuzz_keys.h
//
// FuzzAuditKey(): the audit public key the checkpoint and export fuzz
// targets verify signatures with, from a key pair made once per run (no
// key is kept in the tree). The seeds were signed with another run's key,
// so their signatures do not verify: the targets exercise the parsers, the
// chain checks and the verifier's refusal of a bad signature.
#ifndef SAFEGUARD_TESTS_FUZZ_FUZZ_KEYS_H_
#define SAFEGUARD_TESTS_FUZZ_FUZZ_KEYS_H_

#include <stdlib.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "server/audit/audit_format.h"

namespace safeguard::fuzz {

inline const AuditPublicKey& FuzzAuditKey() {
  static const AuditPublicKey* const key = [] {
    char dir[] = "/tmp/safeguard-fuzz-key-XXXXXX";
    if (mkdtemp(dir) == nullptr) abort();
    const std::string file = std::string(dir) + "/audit.key";
    if (!CreateSigningKeyFile(file).ok()) abort();
    std::unique_ptr<AuditSigner> signer = AuditSigner::FromKeyFile(file).value();
    unlink(file.c_str());
    rmdir(dir);
    return AuditPublicKey::FromPem(signer->PublicKeyPem()).value().release();
  }();
  return *key;
}

}  // namespace safeguard::fuzz

#endif  // SAFEGUARD_TESTS_FUZZ_FUZZ_KEYS_H_
