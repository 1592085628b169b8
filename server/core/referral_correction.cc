// ReferralService::Correct: a correction (UpdateReferral) of the fields a
// referral's kind lets change after submission. The corrected referral
// must meet the kind's rules as far as the correction is concerned: a
// violation it did not have before is refused (one it had, such as a
// consent since withdrawn, is the workflow's and stays).
#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/core/correction.h"
#include "server/core/field_violations.h"
#include "server/core/referral_kind.h"
#include "server/core/referral_service.h"
#include "server/core/referral_validation.h"
#include "server/core/status_macros.h"

namespace safeguard {
namespace {

// The envelope's fields a correction may change, whatever the kind.
constexpr CorrectableField kCommonFields[] = {
    {"subjects",
     [](const Referral& from, Referral& to) { to.subjects = from.subjects; }},
    {"external_references",
     [](const Referral& from, Referral& to) {
       to.external_references = from.external_references;
     }},
    {"priority",
     [](const Referral& from, Referral& to) { to.priority = from.priority; }},
};

// At most this many paths in one correction.
constexpr size_t kMaxPaths = 32;

const CorrectableField* FindField(const ReferralKindModule& kind,
                                  absl::string_view path) {
  for (const CorrectableField& f : kCommonFields) {
    if (f.path == path) return &f;
  }
  for (const CorrectableField& f : kind.correctable_fields()) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

// The form's field name ("nrm") a path starts with, if it names a form.
absl::string_view FormOf(absl::string_view path) {
  for (absl::string_view form : {"nrm", "channel", "marac", "target_hardening"}) {
    if (absl::StartsWith(path, form) &&
        (path.size() == form.size() || path[form.size()] == '.')) {
      return form;
    }
  }
  return {};
}

bool Contains(const std::vector<FieldViolation>& list,
              const FieldViolation& v) {
  return std::any_of(list.begin(), list.end(), [&](const FieldViolation& w) {
    return w.field == v.field && w.description == v.description;
  });
}

}  // namespace

std::string CorrectionRefusal(absl::string_view path) {
  static constexpr struct {
    absl::string_view path;
    absl::string_view why;
  } kReasons[] = {
      {"kind", "cannot be changed after submission"},
      {"referring_agency", "cannot be changed after submission"},
      {"referrer", "cannot be changed after submission"},
      {"nrm.nature",
       "cannot be changed: a Duty to Notify stays anonymous (consent given "
       "later is a new NRM referral)"},
      {"nrm.subject_is_child",
       "cannot be changed after submission: refer a child again as a new "
       "referral"},
      {"channel.subject_is_minor",
       "cannot be changed after submission: refer again as a new referral"},
      {"area",
       "cannot be changed: the area decides who sees the referral; refer "
       "again in the right area"},
      {"consent", "changes through the workflow's consent actions"},
      {"marac.dash",
       "cannot be changed: a DASH checklist is the risk assessed when it was "
       "made; a new assessment is a new referral"},
      {"target_hardening.scheme",
       "cannot be changed after submission: the scheme set the deadline"},
      {"target_hardening.perpetrator_resident",
       "cannot be changed: a job is only for a home the perpetrator does not "
       "live in"},
      {"state", "changes through the workflow's actions"},
      {"assignee", "changes through AssignReferral"},
      {"links", "changes through LinkReferral and UnlinkReferral"},
      {"notes", "changes through AddNote"},
  };
  for (const auto& r : kReasons) {
    if (path == r.path || absl::StartsWith(path, absl::StrCat(r.path, "."))) {
      return std::string(r.why);
    }
  }
  return "is set by the server and cannot be corrected";
}

absl::StatusOr<Referral> ReferralService::Correct(
    const CallContext& ctx, const std::string& id, int64_t version,
    const std::vector<std::string>& paths, const Referral& values,
    const FieldShown& shown, const ChangeDescriber& describe) {
  SAFEGUARD_ASSIGN_OR_RETURN(AuditRecord* const audit, AuditOf(ctx));
  if (paths.empty()) {
    return InvalidArgumentWithViolations(
        {{"update_mask", "is required: name each field to correct"}});
  }
  if (paths.size() > kMaxPaths) {
    return InvalidArgumentWithViolations(
        {{"update_mask.paths",
          absl::StrCat("must have at most ", kMaxPaths, " items")}});
  }
  SAFEGUARD_ASSIGN_OR_RETURN(Referral current, LoadVisible(ctx, id));
  audit->referral_id = current.id;
  const ReferralKindModule* kind = FindReferralKind(current.kind);
  if (kind == nullptr) return absl::InternalError("a referral of no kind");
  std::vector<FieldViolation> violations;
  std::vector<const CorrectableField*> fields;
  const RoleSet roles = RolesSeeing(current, ctx.scopes);
  for (const std::string& path : paths) {
    const CorrectableField* field = FindField(*kind, path);
    const absl::string_view form = FormOf(path);
    // Each kind's correctable paths start with its form's name.
    if (field == nullptr && !form.empty() &&
        form != FormOf(kind->correctable_fields()[0].path)) {
      violations.push_back(
          {"referral." + path, "is not a field of this referral's kind"});
    } else if (field == nullptr) {
      violations.push_back({"referral." + path, CorrectionRefusal(path)});
    } else if (!shown(roles, current.kind, path)) {
      violations.push_back(
          {"referral." + path, "is not shown to the caller's roles"});
    } else {
      fields.push_back(field);
    }
  }
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);
  SAFEGUARD_RETURN_IF_ERROR(CheckVersion(current, version));

  Referral corrected = current;
  for (const CorrectableField* field : fields) field->copy(values, corrected);
  const absl::Time now = clock_.Now();
  const ValidationConfig validation = ValidationFor(ctx);
  const std::vector<FieldViolation> before =
      ValidateSubmission(current, validation, now);
  for (FieldViolation& v : ValidateSubmission(corrected, validation, now)) {
    if (!Contains(before, v)) violations.push_back(std::move(v));
  }
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);

  std::vector<FieldChange> changes = describe(current, corrected, paths);
  if (changes.empty()) return current;  // nothing to record
  TransitionRecord step;
  step.actor = ctx.Name();
  step.time = now;
  step.action = "correct";
  step.from_state = current.state;
  step.to_state = current.state;
  for (const FieldChange& c : changes) {
    audit->changed_fields.push_back(c.path);
  }
  step.changes = std::move(changes);
  corrected.history.push_back(std::move(step));
  corrected.update_time = now;
  corrected.version = version + 1;
  // The people it names may have changed: their index with them.
  const std::vector<NamedPerson> people = kind->PeopleNamed(corrected);
  return Commit(ctx, corrected, version, [&](WriteTransaction& tx) {
    return tx.IndexPeople(corrected, people);
  });
}

}  // namespace safeguard
