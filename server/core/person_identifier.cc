#include "server/core/person_identifier.h"

#include "absl/strings/ascii.h"

namespace safeguard {
namespace {

std::optional<std::string> NhsNumber(absl::string_view value) {
  std::string digits;
  for (char c : value) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      digits += c;
    } else if (c != ' ' && c != '-') {
      return std::nullopt;
    }
  }
  if (digits.size() != 10) return std::nullopt;
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (digits[i] - '0') * (10 - i);
  int check = 11 - sum % 11;
  if (check == 11) check = 0;
  if (check == 10 || check != digits[9] - '0') return std::nullopt;
  return digits;
}

std::optional<std::string> PncId(absl::string_view value) {
  std::string id = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(value));
  size_t slash = id.find('/');
  if (slash != 2 && slash != 4) return std::nullopt;
  for (size_t i = 0; i < slash; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(id[i]))) {
      return std::nullopt;
    }
  }
  size_t digits = id.size() - slash - 2;  // between "/" and the letter
  if (id.size() < slash + 3 || digits > 7) return std::nullopt;
  for (size_t i = slash + 1; i + 1 < id.size(); ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(id[i]))) {
      return std::nullopt;
    }
  }
  if (!absl::ascii_isupper(static_cast<unsigned char>(id.back()))) {
    return std::nullopt;
  }
  return id;
}

}  // namespace

std::optional<std::string> CanonicalIdentifier(PersonIdentifierType type,
                                               absl::string_view value) {
  if (value.size() > 32) return std::nullopt;
  switch (type) {
    case PersonIdentifierType::kNhsNumber:
      return NhsNumber(value);
    case PersonIdentifierType::kPncId:
      return PncId(value);
    case PersonIdentifierType::kUnspecified:
      break;
  }
  return std::nullopt;
}

absl::string_view IdentifierRule(PersonIdentifierType type) {
  switch (type) {
    case PersonIdentifierType::kNhsNumber:
      return "is not an NHS number: 10 digits, the last its check digit";
    case PersonIdentifierType::kPncId:
      return "is not a PNC id: a year, \"/\", up to 7 digits and a letter "
             "(98/123456X)";
    case PersonIdentifierType::kUnspecified:
      break;
  }
  return "must be NHS_NUMBER or PNC_ID";
}

absl::string_view IdentifierTypeName(PersonIdentifierType type) {
  switch (type) {
    case PersonIdentifierType::kNhsNumber:
      return "nhs_number";
    case PersonIdentifierType::kPncId:
      return "pnc_id";
    case PersonIdentifierType::kUnspecified:
      break;
  }
  return "unspecified";
}

}  // namespace safeguard
