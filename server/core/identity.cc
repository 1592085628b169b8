#include "server/core/identity.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace safeguard {
namespace {

constexpr absl::string_view kScheme = "spiffe://";

bool IsValidName(absl::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  if (!absl::ascii_islower(name[0]) && !absl::ascii_isdigit(name[0])) {
    return false;
  }
  for (char c : name) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '.' &&
        c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

}  // namespace

bool IsValidAgencyName(absl::string_view name) { return IsValidName(name); }

absl::StatusOr<CallerIdentity> ParseIdentityUri(
    absl::string_view uri, absl::string_view trust_domain) {
  if (!absl::ConsumePrefix(&uri, kScheme)) {
    return absl::UnauthenticatedError("identity URI is not a spiffe:// URI");
  }
  std::vector<absl::string_view> parts = absl::StrSplit(uri, '/');
  // <trust-domain> agency <agency> <system|person> <name>
  if (parts.size() != 5) {
    return absl::UnauthenticatedError(
        "identity URI does not have the form "
        "spiffe://<domain>/agency/<agency>/<system|person>/<name>");
  }
  if (parts[0] != trust_domain) {
    return absl::UnauthenticatedError("identity URI has another trust domain");
  }
  if (parts[1] != "agency" || !IsValidName(parts[2])) {
    return absl::UnauthenticatedError("identity URI has no valid agency");
  }
  if ((parts[3] != "system" && parts[3] != "person") ||
      !IsValidName(parts[4])) {
    return absl::UnauthenticatedError("identity URI has no valid principal");
  }
  CallerIdentity id;
  id.agency = std::string(parts[2]);
  id.principal = absl::StrCat(parts[3], "/", parts[4]);
  return id;
}

bool IsValidCallerName(absl::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  return parts.size() == 3 && IsValidName(parts[0]) &&
         (parts[1] == "system" || parts[1] == "person") &&
         IsValidName(parts[2]);
}

std::string IdentityUri(absl::string_view trust_domain,
                        absl::string_view agency, absl::string_view principal) {
  return absl::StrCat(kScheme, trust_domain, "/agency/", agency, "/",
                      principal);
}

}  // namespace safeguard
