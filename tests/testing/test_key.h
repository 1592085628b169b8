// File: tests/testing/test_key.h
//
// TestKey(): a database key of one repeated byte, for tests that open a
// SQLCipher file directly; different bytes make different keys.
#ifndef SAFEGUARD_TESTS_TESTING_TEST_KEY_H_
#define SAFEGUARD_TESTS_TESTING_TEST_KEY_H_

#include <array>
#include <cstdint>

#include "server/storage/database_key.h"

namespace safeguard::testing {

inline DatabaseKey TestKey(uint8_t fill) {
  std::array<uint8_t, DatabaseKey::kSize> bytes;
  bytes.fill(fill);
  return DatabaseKey(bytes);
}

}  // namespace safeguard::testing

#endif  // SAFEGUARD_TESTS_TESTING_TEST_KEY_H_
