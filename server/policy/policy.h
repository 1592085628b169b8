// File: server/policy/policy.h
//
// CompiledPolicy: the access policy file (safeguard.config.v1.Policy, in
// protobuf text format), checked and indexed. It answers the three
// questions every call needs, in one place:
//
//   Decide(identity, method)  may this caller call this method at all, by
//                             which rule, and which referrals does it reach
//                             (default deny: no matching rule, no call);
//   View(roles, kind)         which fields of a referral the caller sees;
//   IsFirstResponder(agency)  may this agency submit NRM referrals today.
//
// Load() refuses a policy with an unknown role, method, field, kind, scope
// or area, naming the file and line. Immutable after loading: safe for
// concurrent use. PolicyHolder swaps policies on reload.
#ifndef SAFEGUARD_SERVER_POLICY_POLICY_H_
#define SAFEGUARD_SERVER_POLICY_POLICY_H_

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "google/protobuf/text_format.h"
#include "safeguard/config/v1/policy.pb.h"
#include "safeguard/v1/referral.pb.h"
#include "server/core/identity.h"
#include "server/core/referral_service.h"
#include "server/core/referral_store.h"
#include "server/core/roles.h"

namespace safeguard {

// The outcome of Decide(). When !allowed, `status` says why
// (kPermissionDenied) without naming anything the caller cannot see.
struct AccessDecision {
  bool allowed = false;
  absl::Status status;
  std::string rule;  // the deciding rule, or "default-deny"
  RoleSet roles;         // every role the caller holds
  RoleSet acting_roles;  // those the method's matching rules grant it in
  std::vector<VisibilityScope> scopes;
};

// A set of field paths of safeguard.v1.Referral, as a tree of names.
class FieldPaths {
 public:
  void Add(const std::string& dotted_path);
  // True if the whole field at `name` is allowed.
  bool AllowsAll() const { return all_; }
  const FieldPaths* Child(const std::string& name) const;
  // True if the field at `dotted_path` is allowed whole.
  bool Allows(absl::string_view dotted_path) const;
  // Every path, sorted, e.g. {"name", "subjects.full_name"}.
  std::vector<std::string> Paths() const;

 private:
  bool all_ = false;
  std::map<std::string, FieldPaths> children_;
};

// Removes from `message` every field not in `allowed`.
void ApplyFieldView(const FieldPaths& allowed, google::protobuf::Message* message);

// ApplyFieldView for a referral, which also removes from its history each
// correction's change to a field `view` does not show (an old address is
// shown only to those who see the address).
void ApplyReferralFieldView(const FieldPaths& view, v1::Referral* referral);

// The methods the policy governs: every method of every safeguard.v1
// service, as "safeguard.v1.Service/Method".
std::vector<std::string> GovernedMethods();

class CompiledPolicy {
 public:
  static absl::StatusOr<std::shared_ptr<const CompiledPolicy>> Load(
      const std::string& path);
  static absl::StatusOr<std::shared_ptr<const CompiledPolicy>> Parse(
      const std::string& text, const std::string& source_name);

  // `method` is "safeguard.v1.Service/Method".
  AccessDecision Decide(const CallerIdentity& caller,
                        absl::string_view method) const;
  RoleSet RolesOf(const CallerIdentity& caller) const;
  // Whether any rule names `method`.
  bool HasRuleFor(absl::string_view method) const {
    return rules_by_method_.find(method) != rules_by_method_.end();
  }
  // Computed once per (roles, kind) and kept for the policy's life.
  const FieldPaths& View(RoleSet roles, ReferralKind kind) const;
  // Whether `field` is in the view of every referral the scopes reach (of
  // `kind` only, unless kUnspecified): whether a caller may filter or order
  // by it without learning what its view hides.
  bool ShownThroughAll(const std::vector<VisibilityScope>& scopes,
                       ReferralKind kind, absl::string_view field) const;
  bool IsFirstResponder(absl::string_view agency, absl::Time now) const;
  const std::shared_ptr<const Partnership>& partnership() const {
    return partnership_;
  }

 private:
  CompiledPolicy() = default;
  // Checks and indexes a parsed policy; `tree` locates its fields for
  // errors, which name `source`.
  static absl::StatusOr<std::shared_ptr<const CompiledPolicy>> Compile(
      const config::v1::Policy& policy,
      const google::protobuf::TextFormat::ParseInfoTree& tree,
      const std::string& source);

  struct GrantEntry {
    RoleSet roles;
    std::vector<std::string> areas;  // empty: every area
  };
  struct RuleEntry {
    std::string name;
    RoleSet roles;
    std::vector<config::v1::Scope> scopes;
    std::vector<ReferralKind> kinds;
  };
  struct ViewEntry {
    RoleSet roles;
    std::vector<ReferralKind> kinds;
    std::vector<std::string> fields;
  };
  struct FirstResponderEntry {
    std::string agency;
    absl::CivilDay from;
    std::optional<absl::CivilDay> until;
  };

  std::vector<const GrantEntry*> GrantsOf(const CallerIdentity& caller) const;

  // Grants by agency, then principal ("" for the whole agency).
  std::map<std::string, std::map<std::string, GrantEntry, std::less<>>,
           std::less<>>
      grants_;
  std::map<std::string, std::vector<RuleEntry>, std::less<>> rules_by_method_;
  std::vector<ViewEntry> views_;
  // Views already computed, by role bits and kind. std::map: entries never
  // move, so returned references stay valid.
  mutable absl::Mutex views_mu_;
  mutable std::map<std::pair<uint32_t, ReferralKind>, FieldPaths> view_memo_
      ABSL_GUARDED_BY(views_mu_);
  std::vector<FirstResponderEntry> first_responders_;
  std::shared_ptr<const Partnership> partnership_;
};

// The policy in force; Reload() replaces it only with a valid one.
class PolicyHolder {
 public:
  explicit PolicyHolder(std::shared_ptr<const CompiledPolicy> initial)
      : policy_(std::move(initial)) {}
  std::shared_ptr<const CompiledPolicy> Current() const {
    absl::MutexLock lock(&mu_);
    return policy_;
  }
  // Loads `path` and, if set, asks `accept` about it; when both succeed the
  // new policy is in force for every call that starts afterwards. On
  // failure the old one stays and the error is returned.
  absl::Status Reload(
      const std::string& path,
      const std::function<absl::Status(const CompiledPolicy&)>& accept = {});

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const CompiledPolicy> policy_ ABSL_GUARDED_BY(mu_);
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_POLICY_POLICY_H_
