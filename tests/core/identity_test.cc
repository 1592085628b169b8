#include "server/core/identity.h"

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace safeguard {
namespace {

using ::safeguard::testing::StatusIs;

TEST(IdentityTest, ParsesValidUris) {
  struct Case {
    const char* name;
    const char* uri;
    const char* agency;
    const char* principal;
  } cases[] = {
      {"system", "spiffe://safeguard/agency/suffolk-police/system/athena",
       "suffolk-police", "system/athena"},
      {"person", "spiffe://safeguard/agency/west-suffolk-council/person/lead.1",
       "west-suffolk-council", "person/lead.1"},
      {"digits and underscore", "spiffe://safeguard/agency/a1/person/x_2",
       "a1", "person/x_2"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<CallerIdentity> id = ParseIdentityUri(c.uri, "safeguard");
    ASSERT_TRUE(id.ok()) << c.name << ": " << id.status();
    EXPECT_EQ(id->agency, c.agency) << c.name;
    EXPECT_EQ(id->principal, c.principal) << c.name;
    EXPECT_EQ(IdentityUri("safeguard", id->agency, id->principal), c.uri)
        << c.name;
  }
}

TEST(IdentityTest, RefusesInvalidUris) {
  struct Case {
    const char* name;
    const char* uri;
    const char* message;
  } cases[] = {
      {"other scheme", "https://safeguard/agency/a/system/b",
       "identity URI is not a spiffe:// URI"},
      {"other trust domain", "spiffe://elsewhere/agency/a/system/b",
       "identity URI has another trust domain"},
      {"too short", "spiffe://safeguard/agency/a",
       "identity URI does not have the form "
       "spiffe://<domain>/agency/<agency>/<system|person>/<name>"},
      {"too long", "spiffe://safeguard/agency/a/system/b/c",
       "identity URI does not have the form "
       "spiffe://<domain>/agency/<agency>/<system|person>/<name>"},
      {"no agency segment", "spiffe://safeguard/org/a/system/b",
       "identity URI has no valid agency"},
      {"upper-case agency", "spiffe://safeguard/agency/Police/system/b",
       "identity URI has no valid agency"},
      {"empty agency", "spiffe://safeguard/agency//system/b",
       "identity URI has no valid agency"},
      {"agency starts with dash", "spiffe://safeguard/agency/-a/system/b",
       "identity URI has no valid agency"},
      {"agency too long",
       "spiffe://safeguard/agency/"
       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/"
       "system/b",
       "identity URI has no valid agency"},
      {"unknown principal kind", "spiffe://safeguard/agency/a/robot/b",
       "identity URI has no valid principal"},
      {"principal with space", "spiffe://safeguard/agency/a/person/b c",
       "identity URI has no valid principal"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParseIdentityUri(c.uri, "safeguard"),
                StatusIs(absl::StatusCode::kUnauthenticated, c.message))
        << c.name;
  }
}

}  // namespace
}  // namespace safeguard
