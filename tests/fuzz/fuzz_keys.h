// File: tests/fuzz/fuzz_keys.h
//
// A fixed Ed25519 audit key pair for the fuzz targets and their seed
// generator: seeds signed with the private half carry valid checkpoint
// signatures, so fuzzing starts past the signature check. Made for this
// purpose only; it signs nothing else.
#ifndef SAFEGUARD_TESTS_FUZZ_FUZZ_KEYS_H_
#define SAFEGUARD_TESTS_FUZZ_FUZZ_KEYS_H_

namespace safeguard::fuzz {

inline constexpr char kFuzzAuditPublicKeyPem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEA4/v+S75ab2EN50Lx6sHOXgHkniJnmQR40+rn7FSEuTE=\n"
    "-----END PUBLIC KEY-----\n";

inline constexpr char kFuzzAuditPrivateKeyPem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIP01aKASxRJWFMXROnBpLLgrW0GkIuSW6z9XmSh8jA87\n"
    "-----END PRIVATE KEY-----\n";

}  // namespace safeguard::fuzz

#endif  // SAFEGUARD_TESTS_FUZZ_FUZZ_KEYS_H_
