// File: server/core/referral_kind.h
//
// ReferralKindModule: everything one kind of referral brings to the core,
// in one module under server/core/kinds/: its reference prefix, who may
// submit it, its form's validation and server-set fields, what happens to
// a submission before it is stored (the MARAC assessment), and its
// workflow (the rules Workflow interprets, and who may be assigned it).
// FindReferralKind() is the registry; nothing else in the core switches on
// a kind (referral.cc only names it and its form).
//
// Modules are immutable, live for the whole program and are safe for
// concurrent use.
#ifndef SAFEGUARD_SERVER_CORE_REFERRAL_KIND_H_
#define SAFEGUARD_SERVER_CORE_REFERRAL_KIND_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "server/core/correction.h"
#include "server/core/meeting.h"
#include "server/core/person_index.h"
#include "server/core/referral.h"
#include "server/core/referral_validation.h"
#include "server/core/roles.h"
#include "server/core/workflow.h"

namespace safeguard {

// Every role that refers people on: who may submit most kinds.
inline constexpr RoleSet kAnyReferrer{
    Role::kReferrer,          Role::kFirstResponder,
    Role::kAgencyLead,        Role::kIdva,
    Role::kPreventOfficer,    Role::kFireOfficer,
    Role::kMaracCoordinator,  Role::kSanctuaryCoordinator,
    Role::kChannelChair};

class WriteTransaction;

// What a kind asks for a new referral, inside the transaction that stores
// it, once its submission is known to be new.
struct NewReferralHooks {
  // When the last earlier referral about the same people was made, from
  // the store's records (today MARAC's victim and perpetrator, matched by
  // person_match.h); unset when the kind has no repeats.
  std::function<absl::StatusOr<std::optional<absl::Time>>(
      WriteTransaction& tx, const Referral& referral)>
      last_repeat;
  // Completes the referral from the store's records. May run more than
  // once; must only change `referral`.
  std::function<void(Referral& referral,
                     std::optional<absl::Time> last_repeat)>
      complete;
};

class ReferralKindModule {
 public:
  virtual ~ReferralKindModule() = default;

  virtual ReferralKind kind() const = 0;
  // The first part of its references, e.g. "MAR" in "MAR-2026-000042".
  virtual absl::string_view reference_prefix() const = 0;
  // Its workflow: every rule, and who may assign it to whom. Each rule's
  // kind is kind().
  virtual absl::Span<const TransitionRule> rules() const = 0;
  virtual absl::Span<const AssignmentRule> assignment_rules() const = 0;

  // Whether an agency may submit this kind at all (kPermissionDenied if
  // not); asked before the referral is validated.
  virtual absl::Status MaySubmit(bool first_responder) const {
    (void)first_responder;
    return absl::OkStatus();
  }
  // Adds the violations of the kind's own rules: its form, and what the
  // kind requires of the common envelope. `referral.form` is this kind's.
  virtual void Validate(const Referral& referral,
                        const ValidationConfig& config, absl::CivilDay today,
                        FieldChecker& check) const = 0;
  // Whether a submission of this kind may carry a link of `type`.
  virtual bool TakesLink(LinkType type) const {
    (void)type;
    return false;
  }
  // Where a case listed to a meeting for the first time goes on the
  // agenda (meeting.h): new, new with children, or a repeat.
  virtual AgendaSection FirstListing(const Referral& referral) const {
    (void)referral;
    return AgendaSection::kNew;
  }
  // The people the referral names (person_index.h): by default each
  // subject.
  virtual std::vector<NamedPerson> PeopleNamed(const Referral& referral) const;
  // The roles PeopleNamed() may give: by default the subject only.
  virtual absl::Span<const PersonRole> RolesNamed() const {
    static constexpr PersonRole kSubjectOnly[] = {PersonRole::kSubject};
    return kSubjectOnly;
  }
  // The fields of its form a correction may change (correction.h); the
  // rest are fixed at submission or set by the server and the workflow.
  virtual absl::Span<const CorrectableField> correctable_fields() const = 0;
  // Clears the fields of its form that only the server sets.
  virtual void ClearServerFields(ReferralForm& form) const = 0;
  // Completes a valid submission before it is stored (its priority, its
  // repeat key and what the store's records add to it).
  virtual void PrepareSubmission(const WorkflowConfig& config, absl::Time now,
                                 Referral& draft,
                                 NewReferralHooks& hooks) const {
    (void)config, (void)now, (void)draft, (void)hooks;
  }
};

// The module of `kind`, or nullptr for kUnspecified (or an unknown value).
const ReferralKindModule* FindReferralKind(ReferralKind kind);

// Every module, in the order of ReferralKind.
absl::Span<const ReferralKindModule* const> ReferralKinds();

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_REFERRAL_KIND_H_
