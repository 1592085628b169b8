#include "server/common/sha256.h"

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace safeguard {
namespace {

TEST(Sha256Test, MatchesTheStandardVectors) {
  struct Case {
    const char* name;
    std::string bytes;
    const char* hex;
  } cases[] = {
      {"empty", "",
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "abc",
       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Sha256Hex(c.bytes), c.hex) << c.name;
    EXPECT_EQ(Sha256(c.bytes), absl::HexStringToBytes(c.hex)) << c.name;
    EXPECT_EQ(Sha256(c.bytes).size(), kSha256Size) << c.name;
  }
}

TEST(Sha256Test, PartsHashAsTheirConcatenation) {
  EXPECT_EQ(Sha256({"a", "", "bc"}), Sha256("abc"));
  EXPECT_EQ(Sha256({absl::string_view("\0", 1), "x"}),
            Sha256(std::string("\0x", 2)));
  EXPECT_EQ(Sha256({}), Sha256(""));
}

TEST(Sha256Test, AStreamHashesAsTheWhole) {
  Sha256Stream empty;
  EXPECT_EQ(empty.FinishHex(), Sha256Hex(""));
  Sha256Stream pieces;
  pieces.Update("a");
  pieces.Update("");
  pieces.Update("bc");
  EXPECT_EQ(pieces.FinishHex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace safeguard
