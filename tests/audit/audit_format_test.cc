#include "server/audit/audit_format.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace safeguard {
namespace {

using ::safeguard::testing::StatusIs;
using ::safeguard::testing::TempDir;

TEST(AuditFormatTest, HashesAreTheFormatsSha256) {
  v1::AuditEntry entry;
  entry.set_sequence(7);
  entry.set_agency("a");
  entry.set_leaf_hash("left out of its own hash");
  // SHA-256(0x00 || 08 07 1a 01 61), the entry's deterministic bytes.
  EXPECT_EQ(absl::BytesToHexString(LeafHash(entry)),
            "3873e1df2e712f012f40e7dc7ef0b127bfb010c63aba3baba3e200b211c761e5");
  // SHA-256(0x01 || 32 zero bytes || 32 bytes of 0x11).
  EXPECT_EQ(absl::BytesToHexString(ChainHash(ZeroHash(), std::string(32, '\x11'))),
            "a7b6a88afe611b23a8bb9836e3cd13ba706cb05d6de647d92bf05bb0aace72ee");
}

TEST(AuditFormatTest, SigningKeyFilesAreSecretFiles) {
  TempDir dir;
  const std::string key = dir.File("signing.key");
  SAFEGUARD_ASSERT_OK(CreateSigningKeyFile(key));
  struct stat st;
  ASSERT_EQ(stat(key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  absl::StatusOr<std::unique_ptr<AuditSigner>> signer =
      AuditSigner::FromKeyFile(key);
  ASSERT_TRUE(signer.ok()) << signer.status();
  absl::StatusOr<std::unique_ptr<AuditPublicKey>> public_key =
      AuditPublicKey::FromPem((*signer)->PublicKeyPem());
  ASSERT_TRUE(public_key.ok()) << public_key.status();
  EXPECT_TRUE((*public_key)->Verify("m", (*signer)->Sign("m")));

  EXPECT_THAT(CreateSigningKeyFile(key),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       "audit signing key file " + key + " already exists"));

  const std::string link = dir.File("link.key");
  ASSERT_EQ(symlink(key.c_str(), link.c_str()), 0);
  const std::string loose = dir.File("loose.key");
  std::ofstream(loose) << std::ifstream(key).rdbuf();
  chmod(loose.c_str(), 0644);
  const std::string not_pem = dir.File("not-pem.key");
  std::ofstream(not_pem) << "not a key\n";
  chmod(not_pem.c_str(), 0600);
  struct Case {
    const char* name;
    std::string path;
    std::string problem;
  } cases[] = {
      {"missing", dir.File("none.key"), "does not exist"},
      {"a link", link, "is a symbolic link; name the file itself"},
      {"readable by others", loose,
       "group or others can access it (mode 0644); run chmod 600 on it"},
      {"not PEM", not_pem, "holds no Ed25519 private key (PEM)"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(AuditSigner::FromKeyFile(c.path),
                StatusIs(absl::StatusCode::kFailedPrecondition,
                         "audit signing key file " + c.path + ": " + c.problem))
        << c.name;
  }
}

}  // namespace
}  // namespace safeguard
