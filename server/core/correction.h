// File: server/core/correction.h
//
// What a correction (UpdateReferral) may change: each field is named by
// its path in the API's referral ("subjects", "nrm.indicators") and copied
// from the caller's values by a function. The common envelope's fields are
// in referral_correction.cc; each kind's module lists its form's
// (ReferralKindModule::correctable_fields(), at least one, each path
// starting with the form's field name). A path in neither is
// refused by name, with why (CorrectionRefusal).
//
// Immutable tables; thread-safe.
#ifndef SAFEGUARD_SERVER_CORE_CORRECTION_H_
#define SAFEGUARD_SERVER_CORE_CORRECTION_H_

#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "server/core/referral.h"
#include "server/core/roles.h"

namespace safeguard {

struct CorrectableField {
  absl::string_view path;
  // Sets the field of `to` (whose form is of the kind) to `from`'s; a form
  // of another kind in `from` counts as an empty one.
  void (*copy)(const Referral& from, Referral& to);
};

// Why the field at `path` (a real field of the API's referral that is not
// correctable for this kind) cannot be corrected, for the caller.
std::string CorrectionRefusal(absl::string_view path);

// The fields of a correction's values that differ from a referral's under
// `paths`, with their values before and after: the API renders them in
// its JSON mapping. Empty when nothing changed.
using ChangeDescriber = std::function<std::vector<FieldChange>(
    const Referral& before, const Referral& after,
    absl::Span<const std::string> paths)>;

// Whether the field view of `roles` on a referral of `kind` shows the
// field at `path` whole: a correction may change only what its caller sees.
using FieldShown = std::function<bool(RoleSet roles, ReferralKind kind,
                                      const std::string& path)>;

namespace correction_internal {
template <typename>
struct MemberOf;
template <typename C, typename T>
struct MemberOf<T C::*> {
  using Class = C;
};
}  // namespace correction_internal

// The copy function of a form's field: &CopyFormField<&NrmForm::indicators>.
template <auto kMember>
void CopyFormField(const Referral& from, Referral& to) {
  using Form = typename correction_internal::MemberOf<decltype(kMember)>::Class;
  static const Form* const kEmpty = new Form();
  const Form* source = std::get_if<Form>(&from.form);
  std::get<Form>(to.form).*kMember = (source != nullptr ? *source : *kEmpty).*kMember;
}

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_CORRECTION_H_
