#include "server/api/written_reason.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace safeguard {
namespace {

constexpr size_t kMinReasonChars = 10;
constexpr size_t kMaxReasonBytes = 1000;

}  // namespace

void CheckWrittenReason(absl::string_view reason, absl::string_view doing,
                        std::vector<FieldViolation>& bad) {
  if (absl::StripAsciiWhitespace(reason).size() < kMinReasonChars) {
    bad.push_back({"reason", absl::StrCat("is required: say why you are ",
                                          doing, ", in at least ",
                                          kMinReasonChars, " characters")});
  } else if (reason.size() > kMaxReasonBytes) {
    bad.push_back(
        {"reason", absl::StrCat("must be at most ", kMaxReasonBytes, " bytes")});
  }
}

}  // namespace safeguard
