#include "server/policy/policy.h"

#include <algorithm>

#include "absl/algorithm/container.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "safeguard/v1/audit.pb.h"
#include "safeguard/v1/meetings.pb.h"
#include "safeguard/v1/people.pb.h"
#include "safeguard/v1/referral.pb.h"
#include "safeguard/v1/reports.pb.h"
#include "safeguard/v1/referrals.grpc.pb.h"
#include "safeguard/v1/server_info.grpc.pb.h"
#include "server/common/text_proto.h"
#include "server/core/status_macros.h"

namespace safeguard {
namespace {

using config::v1::Policy;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::TextFormat;

// Finds where a value sits in the parsed text, for error messages.
class Locator {
 public:
  Locator(const std::string& source, const TextFormat::ParseInfoTree* tree)
      : source_(source), tree_(tree) {}

  // The error for `message` at field `name` (index `index`) of the element
  // `outer_index` of top-level field `outer`.
  absl::Status Error(const char* outer, int outer_index, const char* name,
                     int index, const std::string& message) const {
    const FieldDescriptor* outer_fd = Policy::descriptor()->FindFieldByName(outer);
    TextFormat::ParseLocation loc;
    // Singular fields are located with index -1.
    if (!outer_fd->is_repeated()) outer_index = -1;
    const TextFormat::ParseInfoTree* nested =
        tree_->GetTreeForNested(outer_fd, outer_index);
    if (nested != nullptr && name != nullptr) {
      const FieldDescriptor* fd = outer_fd->message_type()->FindFieldByName(name);
      loc = nested->GetLocation(fd, fd->is_repeated() ? index : -1);
    }
    if (loc.line < 0) loc = tree_->GetLocation(outer_fd, outer_index);
    return absl::InvalidArgumentError(
        absl::StrCat(source_, ":", loc.line + 1, ":", loc.column + 1, ": ",
                     message));
  }
  absl::Status TopError(const char* field, int index,
                        const std::string& message) const {
    TextFormat::ParseLocation loc = tree_->GetLocation(
        Policy::descriptor()->FindFieldByName(field), index);
    return absl::InvalidArgumentError(absl::StrCat(
        source_, ":", loc.line + 1, ":", loc.column + 1, ": ", message));
  }

 private:
  const std::string& source_;
  const TextFormat::ParseInfoTree* tree_;
};

absl::StatusOr<RoleSet> ParseRoles(
    const google::protobuf::RepeatedPtrField<std::string>& names,
    const Locator& at, const char* outer, int outer_index) {
  RoleSet roles;
  for (int i = 0; i < names.size(); ++i) {
    std::optional<Role> role = RoleFromName(names[i]);
    if (!role.has_value()) {
      return at.Error(outer, outer_index, "roles", i,
                      absl::StrCat("unknown role \"", names[i], "\""));
    }
    roles.Add(*role);
  }
  if (roles.empty()) {
    return at.Error(outer, outer_index, nullptr, 0, "names no role");
  }
  return roles;
}

absl::StatusOr<std::vector<ReferralKind>> ParseKinds(
    const google::protobuf::RepeatedField<int>& kinds, const Locator& at,
    const char* outer, int outer_index) {
  std::vector<ReferralKind> out;
  for (int i = 0; i < kinds.size(); ++i) {
    if (kinds[i] <= 0 || kinds[i] > v1::ReferralKind_MAX) {
      return at.Error(outer, outer_index, "kinds", i, "unknown referral kind");
    }
    out.push_back(static_cast<ReferralKind>(kinds[i]));
  }
  return out;
}

// A field path of safeguard.v1.Referral, e.g. "subjects.full_name".
bool IsReferralField(const std::string& path) {
  const Descriptor* message = v1::Referral::descriptor();
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (message == nullptr) return false;
    const FieldDescriptor* field = message->FindFieldByName(std::string(part));
    if (field == nullptr) return false;
    message = field->message_type();
  }
  return true;
}

// The most a timescale may be: beyond these a figure is a mistake, and
// deadlines are computed by stepping through days.
constexpr int32_t kMaxServiceHours = 24 * 90;
constexpr int32_t kMaxSmallNumberThreshold = 100;

int32_t TimescaleMax(const std::string& field) {
  if (absl::EndsWith(field, "_working_days")) return 60;
  if (absl::EndsWith(field, "_days")) return 365;
  if (absl::EndsWith(field, "_hours")) return kMaxServiceHours;
  if (absl::EndsWith(field, "_months")) return 60;
  if (field == "marac_high_risk_threshold") return 24;  // DASH questions
  if (field == "marac_escalation_incidents") return 100;
  return 2000;  // marac_min_rationale_chars
}

// Methods that read the whole audit log: a scope cannot narrow them.
bool ReadsWholeLog(absl::string_view method) {
  return method == "safeguard.v1.Audit/ListAuditEntries" ||
         method == "safeguard.v1.Audit/VerifyAuditLog" ||
         method == "safeguard.v1.Audit/ExportAuditLog";
}

std::optional<absl::CivilDay> ParseDay(const std::string& text) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day)) return std::nullopt;
  return day;
}

}  // namespace

// ---- FieldPaths ----

void FieldPaths::Add(const std::string& dotted_path) {
  FieldPaths* node = this;
  for (absl::string_view part : absl::StrSplit(dotted_path, '.')) {
    if (node->all_) return;
    node = &node->children_[std::string(part)];
  }
  node->all_ = true;
  node->children_.clear();
}

const FieldPaths* FieldPaths::Child(const std::string& name) const {
  auto it = children_.find(name);
  return it == children_.end() ? nullptr : &it->second;
}

bool FieldPaths::Allows(absl::string_view dotted_path) const {
  const FieldPaths* node = this;
  for (absl::string_view part : absl::StrSplit(dotted_path, '.')) {
    if (node->all_) return true;
    auto it = node->children_.find(std::string(part));
    if (it == node->children_.end()) return false;
    node = &it->second;
  }
  return node->all_;
}

std::vector<std::string> FieldPaths::Paths() const {
  std::vector<std::string> out;
  for (const auto& [name, child] : children_) {
    if (child.all_) {
      out.push_back(name);
      continue;
    }
    for (const std::string& sub : child.Paths()) out.push_back(name + "." + sub);
  }
  return out;
}

void ApplyFieldView(const FieldPaths& allowed, google::protobuf::Message* message) {
  if (allowed.AllowsAll()) return;
  const google::protobuf::Reflection* reflection = message->GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(*message, &fields);
  for (const FieldDescriptor* field : fields) {
    const FieldPaths* child = allowed.Child(field->name());
    if (child == nullptr) {
      reflection->ClearField(message, field);
      continue;
    }
    if (child->AllowsAll() ||
        field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      continue;
    }
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(*message, field); ++i) {
        ApplyFieldView(*child,
                       reflection->MutableRepeatedMessage(message, field, i));
      }
    } else {
      ApplyFieldView(*child, reflection->MutableMessage(message, field));
    }
  }
}

void ApplyReferralFieldView(const FieldPaths& view, v1::Referral* referral) {
  ApplyFieldView(view, referral);
  for (v1::TransitionRecord& step : *referral->mutable_history()) {
    auto* changes = step.mutable_changes();
    changes->erase(
        std::remove_if(changes->begin(), changes->end(),
                       [&](const v1::FieldChange& c) {
                         // "subjects[0].date_of_birth" is the field
                         // "subjects.date_of_birth".
                         std::string field;
                         bool in_index = false;
                         for (char ch : c.path()) {
                           if (ch == '[') in_index = true;
                           if (!in_index) field.push_back(ch);
                           if (ch == ']') in_index = false;
                         }
                         return !view.Allows(field);
                       }),
        changes->end());
  }
}

std::vector<std::string> GovernedMethods() {
  // Reaching the files through their messages also links them in.
  std::vector<std::string> out;
  for (const google::protobuf::FileDescriptor* file :
       {v1::GetServerInfoRequest::descriptor()->file(),
        v1::SubmitReferralRequest::descriptor()->file(),
        v1::CreateMeetingRequest::descriptor()->file(),
        v1::SearchPeopleRequest::descriptor()->file(),
        v1::RunReportRequest::descriptor()->file(),
        v1::AuditEntry::descriptor()->file()}) {
    for (int s = 0; s < file->service_count(); ++s) {
      const google::protobuf::ServiceDescriptor* service = file->service(s);
      for (int i = 0; i < service->method_count(); ++i) {
        out.push_back(absl::StrCat(service->full_name(), "/",
                                   service->method(i)->name()));
      }
    }
  }
  return out;
}

// ---- CompiledPolicy ----

absl::StatusOr<std::shared_ptr<const CompiledPolicy>> CompiledPolicy::Load(
    const std::string& path) {
  Policy policy;
  TextFormat::ParseInfoTree tree;
  SAFEGUARD_RETURN_IF_ERROR(
      ReadTextProtoFile("policy file", path, &policy, &tree));
  return Compile(policy, tree, absl::StrCat("policy file ", path));
}

absl::StatusOr<std::shared_ptr<const CompiledPolicy>> CompiledPolicy::Parse(
    const std::string& text, const std::string& source) {
  Policy policy;
  TextFormat::ParseInfoTree tree;
  SAFEGUARD_RETURN_IF_ERROR(ParseTextProto(text, source, &policy, &tree));
  return Compile(policy, tree, source);
}

absl::StatusOr<std::shared_ptr<const CompiledPolicy>> CompiledPolicy::Compile(
    const config::v1::Policy& policy,
    const google::protobuf::TextFormat::ParseInfoTree& tree,
    const std::string& source) {
  const Locator at(source, &tree);
  std::shared_ptr<CompiledPolicy> out(new CompiledPolicy());
  auto partnership = std::make_shared<Partnership>();

  for (int i = 0; i < policy.areas_size(); ++i) {
    if (absl::c_linear_search(partnership->areas, policy.areas(i))) {
      return at.TopError("areas", i, absl::StrCat("area \"", policy.areas(i),
                                                  "\" is listed twice"));
    }
    partnership->areas.push_back(policy.areas(i));
  }
  for (int i = 0; i < policy.schemes_size(); ++i) {
    const config::v1::Scheme& s = policy.schemes(i);
    if (s.name().empty() || s.service_hours() <= 0 ||
        s.service_hours() > kMaxServiceHours) {
      return at.Error("schemes", i, nullptr, 0,
                      absl::StrCat("a scheme needs a name and service_hours "
                                   "from 1 to ",
                                   kMaxServiceHours));
    }
    partnership->workflow.service_hours_by_scheme[s.name()] = s.service_hours();
    if (s.one_visit()) partnership->workflow.one_visit_schemes.insert(s.name());
  }
  {
    const config::v1::Timescales& t = policy.timescales();
    WorkflowConfig& w = partnership->workflow;
    std::vector<const google::protobuf::FieldDescriptor*> set_fields;
    t.GetReflection()->ListFields(t, &set_fields);
    for (const auto* fd : set_fields) {
      const int32_t value = t.GetReflection()->GetInt32(t, fd);
      const int32_t max = TimescaleMax(fd->name());
      if (value < 0 || value > max) {
        return at.Error("timescales", 0, fd->name().c_str(), 0,
                        absl::StrCat("timescales.", fd->name(),
                                     " must be from 0 to ", max));
      }
    }
    const auto set = [](int32_t value, int& field) {
      if (value > 0) field = value;
    };
    set(t.rg_decision_working_days(), w.rg_decision_working_days);
    set(t.recovery_period_days(), w.recovery_period_days);
    set(t.gateway_working_days(), w.gateway_working_days);
    set(t.default_service_hours(), w.default_service_hours);
    set(t.first_review_months(), w.first_review_months);
    set(t.second_review_months(), w.second_review_months);
    set(t.first_post_exit_review_months(), w.first_post_exit_review_months);
    set(t.second_post_exit_review_months(), w.second_post_exit_review_months);
    set(t.post_exit_review_limit_months(), w.post_exit_review_limit_months);
    set(t.reconsideration_request_days(), w.reconsideration_request_days);
    set(t.marac_high_risk_threshold(), w.marac.high_risk_threshold);
    set(t.marac_escalation_incidents(), w.marac.escalation_incidents);
    set(t.marac_escalation_months(), w.marac.escalation_months);
    set(t.marac_repeat_months(), w.marac.repeat_months);
    set(t.marac_min_rationale_chars(), w.marac.min_rationale_chars);
  }
  {
    const config::v1::Reports& r = policy.reports();
    ReportsConfig& out_reports = partnership->reports;
    if (r.small_number_threshold() < 0 ||
        r.small_number_threshold() > kMaxSmallNumberThreshold) {
      return at.Error("reports", 0, "small_number_threshold", 0,
                      absl::StrCat("reports.small_number_threshold must be "
                                   "from 0 (the default, 5) to ",
                                   kMaxSmallNumberThreshold));
    }
    if (r.small_number_threshold() > 0) {
      out_reports.suppression.threshold = r.small_number_threshold();
    }
    out_reports.suppression.zero_is_disclosive = r.zero_is_disclosive();
    for (int i = 0; i < r.populations_size(); ++i) {
      const config::v1::AreaPopulation& p = r.populations(i);
      if (!absl::c_linear_search(partnership->areas, p.area()) ||
          p.adult_women() <= 0 ||
          !out_reports.adult_women_by_area.emplace(p.area(), p.adult_women())
               .second) {
        return at.Error("reports", 0, "populations", i,
                        "a population needs one of the areas, once, and "
                        "adult_women above 0");
      }
    }
    for (int i = 0; i < r.agency_types_size(); ++i) {
      const config::v1::AgencyType& t = r.agency_types(i);
      if (t.agency().empty() || t.type().empty() ||
          !out_reports.agency_types.emplace(t.agency(), t.type()).second) {
        return at.Error("reports", 0, "agency_types", i,
                        "an agency type needs an agency, once, and a type");
      }
      if (!absl::c_linear_search(out_reports.type_order, t.type())) {
        out_reports.type_order.push_back(t.type());
      }
    }
  }
  for (int i = 0; i < policy.first_responders_size(); ++i) {
    const config::v1::FirstResponder& fr = policy.first_responders(i);
    std::optional<absl::CivilDay> from = ParseDay(fr.valid_from());
    if (fr.agency().empty() || !from.has_value()) {
      return at.Error("first_responders", i, "valid_from", 0,
                      "a first responder needs an agency and valid_from "
                      "(YYYY-MM-DD)");
    }
    std::optional<absl::CivilDay> until;
    if (!fr.valid_until().empty()) {
      until = ParseDay(fr.valid_until());
      if (!until.has_value()) {
        return at.Error("first_responders", i, "valid_until", 0,
                        "valid_until must be YYYY-MM-DD");
      }
    }
    out->first_responders_.push_back({fr.agency(), *from, until});
  }
  for (int i = 0; i < policy.grants_size(); ++i) {
    const config::v1::Grant& g = policy.grants(i);
    if (g.agency().empty()) {
      return at.Error("grants", i, nullptr, 0, "a grant needs an agency");
    }
    absl::StatusOr<RoleSet> roles = ParseRoles(g.roles(), at, "grants", i);
    if (!roles.ok()) return roles.status();
    for (int a = 0; a < g.areas_size(); ++a) {
      if (!absl::c_linear_search(partnership->areas, g.areas(a))) {
        return at.Error("grants", i, "areas", a,
                        absl::StrCat("unknown area \"", g.areas(a), "\""));
      }
    }
    GrantEntry& entry = out->grants_[g.agency()][g.principal()];
    if (!entry.roles.empty()) {
      return at.Error("grants", i, nullptr, 0,
                      "this identity already has a grant");
    }
    entry.roles = *roles;
    entry.areas.assign(g.areas().begin(), g.areas().end());
    const RoleSet represents = roles->Intersect(
        {Role::kMaracRepresentative, Role::kChannelPartner});
    if (!represents.empty()) {
      partnership->representatives.push_back(
          {g.agency(), represents, entry.areas});
    }
  }
  const std::vector<std::string> governed = GovernedMethods();
  for (int i = 0; i < policy.rules_size(); ++i) {
    const config::v1::Rule& r = policy.rules(i);
    RuleEntry entry;
    entry.name = r.name().empty() ? absl::StrCat("rule-", i + 1) : r.name();
    absl::StatusOr<RoleSet> roles = ParseRoles(r.roles(), at, "rules", i);
    if (!roles.ok()) return roles.status();
    entry.roles = *roles;
    for (int s = 0; s < r.scopes_size(); ++s) {
      if (r.scopes(s) == config::v1::SCOPE_UNSPECIFIED) {
        return at.Error("rules", i, "scopes", s, "unknown scope");
      }
      entry.scopes.push_back(r.scopes(s));
    }
    absl::StatusOr<std::vector<ReferralKind>> kinds =
        ParseKinds(r.kinds(), at, "rules", i);
    if (!kinds.ok()) return kinds.status();
    entry.kinds = *kinds;
    if (r.methods_size() == 0) {
      return at.Error("rules", i, nullptr, 0, "a rule needs a method");
    }
    for (int m = 0; m < r.methods_size(); ++m) {
      if (!absl::c_linear_search(governed, r.methods(m))) {
        return at.Error("rules", i, "methods", m,
                        absl::StrCat("unknown method \"", r.methods(m), "\""));
      }
      if (ReadsWholeLog(r.methods(m)) &&
          (entry.scopes.size() != 1 || entry.scopes[0] != config::v1::ALL ||
           !entry.kinds.empty())) {
        return at.Error("rules", i, "methods", m,
                        absl::StrCat(r.methods(m),
                                     " reads the whole audit log: its rule "
                                     "must have the one scope ALL and no "
                                     "kinds"));
      }
      out->rules_by_method_[r.methods(m)].push_back(entry);
    }
  }
  for (int i = 0; i < policy.field_views_size(); ++i) {
    const config::v1::FieldView& v = policy.field_views(i);
    ViewEntry entry;
    absl::StatusOr<RoleSet> roles = ParseRoles(v.roles(), at, "field_views", i);
    if (!roles.ok()) return roles.status();
    entry.roles = *roles;
    absl::StatusOr<std::vector<ReferralKind>> kinds =
        ParseKinds(v.kinds(), at, "field_views", i);
    if (!kinds.ok()) return kinds.status();
    entry.kinds = *kinds;
    for (int f = 0; f < v.fields_size(); ++f) {
      if (!IsReferralField(v.fields(f))) {
        return at.Error("field_views", i, "fields", f,
                        absl::StrCat("unknown field \"", v.fields(f),
                                     "\" of safeguard.v1.Referral"));
      }
      entry.fields.push_back(v.fields(f));
    }
    out->views_.push_back(std::move(entry));
  }
  out->partnership_ = std::move(partnership);
  return std::shared_ptr<const CompiledPolicy>(std::move(out));
}

std::vector<const CompiledPolicy::GrantEntry*> CompiledPolicy::GrantsOf(
    const CallerIdentity& caller) const {
  std::vector<const GrantEntry*> out;
  auto agency = grants_.find(caller.agency);
  if (agency == grants_.end()) return out;
  const absl::string_view whole_agency;
  for (absl::string_view key :
       {whole_agency, absl::string_view(caller.principal)}) {
    auto it = agency->second.find(key);
    if (it != agency->second.end()) out.push_back(&it->second);
  }
  return out;
}

RoleSet CompiledPolicy::RolesOf(const CallerIdentity& caller) const {
  RoleSet roles;
  for (const GrantEntry* g : GrantsOf(caller)) roles.AddAll(g->roles);
  return roles;
}

AccessDecision CompiledPolicy::Decide(const CallerIdentity& caller,
                                      absl::string_view method) const {
  AccessDecision d;
  const std::vector<const GrantEntry*> grants = GrantsOf(caller);
  for (const GrantEntry* g : grants) d.roles.AddAll(g->roles);
  d.rule = "default-deny";
  auto rules = rules_by_method_.find(method);
  if (rules != rules_by_method_.end()) {
    const std::string me = caller.agency + "/" + caller.principal;
    for (const RuleEntry& rule : rules->second) {
      if (!rule.roles.Intersects(d.roles)) continue;
      if (!d.allowed) d.rule = rule.name;
      d.allowed = true;
      d.acting_roles.AddAll(rule.roles.Intersect(d.roles));
      for (config::v1::Scope scope : rule.scopes) {
        VisibilityScope v;
        v.kinds = rule.kinds;
        v.roles = rule.roles.Intersect(d.roles);
        v.rule = rule.name;
        switch (scope) {
          case config::v1::OWN:
            v.referrer = me;
            break;
          case config::v1::OWN_AGENCY:
            v.agencies = {caller.agency};
            break;
          case config::v1::AREA:
            // One scope per grant: its areas reach a referral only in the
            // roles that grant gives, so a grant without areas never
            // widens another role's.
            for (const GrantEntry* g : grants) {
              VisibilityScope by_grant = v;
              by_grant.roles = rule.roles.Intersect(g->roles);
              if (by_grant.roles.empty()) continue;
              by_grant.all = g->areas.empty();
              by_grant.areas = g->areas;
              d.scopes.push_back(std::move(by_grant));
            }
            continue;
          case config::v1::ASSIGNED:
            v.assignee = me;
            break;
          case config::v1::ALL:
            v.all = true;
            break;
          default:
            continue;
        }
        d.scopes.push_back(std::move(v));
      }
    }
  }
  if (!d.allowed) {
    d.status = absl::PermissionDeniedError(
        absl::StrCat("the caller's roles may not call ", method));
  }
  return d;
}

const FieldPaths& CompiledPolicy::View(RoleSet roles, ReferralKind kind) const {
  absl::MutexLock lock(&views_mu_);
  auto [it, added] = view_memo_.try_emplace({roles.bits(), kind});
  if (!added) return it->second;
  FieldPaths& paths = it->second;
  for (const ViewEntry& v : views_) {
    if (!v.roles.Intersects(roles)) continue;
    if (!v.kinds.empty() && !absl::c_linear_search(v.kinds, kind)) continue;
    for (const std::string& f : v.fields) paths.Add(f);
  }
  return paths;
}

bool CompiledPolicy::ShownThroughAll(const std::vector<VisibilityScope>& scopes,
                                     ReferralKind kind,
                                     absl::string_view field) const {
  for (const VisibilityScope& scope : scopes) {
    for (int k = 1; k <= v1::ReferralKind_MAX; ++k) {
      const auto each = static_cast<ReferralKind>(k);
      if (kind != ReferralKind::kUnspecified && each != kind) continue;
      if (!scope.kinds.empty() && !absl::c_linear_search(scope.kinds, each)) {
        continue;
      }
      if (!View(scope.roles, each).Allows(field)) return false;
    }
  }
  return true;
}

bool CompiledPolicy::IsFirstResponder(absl::string_view agency,
                                      absl::Time now) const {
  const absl::CivilDay today = absl::ToCivilDay(now, absl::UTCTimeZone());
  for (const FirstResponderEntry& fr : first_responders_) {
    if (fr.agency == agency && fr.from <= today &&
        (!fr.until.has_value() || today <= *fr.until)) {
      return true;
    }
  }
  return false;
}

absl::Status PolicyHolder::Reload(
    const std::string& path,
    const std::function<absl::Status(const CompiledPolicy&)>& accept) {
  absl::StatusOr<std::shared_ptr<const CompiledPolicy>> loaded =
      CompiledPolicy::Load(path);
  if (!loaded.ok()) return loaded.status();
  if (accept) {
    absl::Status accepted = accept(**loaded);
    if (!accepted.ok()) return accepted;
  }
  absl::MutexLock lock(&mu_);
  policy_ = *std::move(loaded);
  return absl::OkStatus();
}

}  // namespace safeguard
