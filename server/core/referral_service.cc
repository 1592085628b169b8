#include "server/core/referral_service.h"

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/core/field_violations.h"
#include "server/core/meeting_store.h"
#include "server/core/referral_kind.h"
#include "server/core/referral_validation.h"
#include "server/core/status_macros.h"

namespace safeguard {
namespace {

constexpr size_t kMaxRequestIdBytes = 128;
constexpr size_t kMaxNoteBytes = 10000;
// A referral's notes, so that a page of 50 referrals stays a few MiB.
constexpr size_t kMaxNotes = 200;
constexpr size_t kMaxNoteListBytes = 64 * 1024;
// Links a submission may carry.
constexpr size_t kMaxLinks = 4;

absl::Status NotFound() { return absl::NotFoundError("referral not found"); }

// Clears every field a client may not set.
void ClearOutputOnly(Referral& r) {
  r.id.clear();
  r.reference.clear();
  r.state.clear();
  r.version = 0;
  r.referring_agency.clear();
  r.referrer.clear();
  r.deadline = absl::InfiniteFuture();
  r.assignee.clear();
  r.notes.clear();
  r.history.clear();
  r.create_time = absl::InfinitePast();
  r.update_time = absl::InfinitePast();
  r.consent.recorded_by.clear();
  r.consent.record_time = absl::InfinitePast();
  for (ReferralLink& link : r.links) {
    link.linked_by.clear();
    link.link_time = absl::InfinitePast();
  }
  if (const ReferralKindModule* kind = FindReferralKind(KindOfForm(r.form))) {
    kind->ClearServerFields(r.form);
  }
}

}  // namespace

const WorkflowConfig& ReferralService::ConfigFor(const CallContext& ctx) {
  static const WorkflowConfig* const kDefaults = new WorkflowConfig();
  return ctx.partnership != nullptr ? ctx.partnership->workflow : *kDefaults;
}

ValidationConfig ReferralService::ValidationFor(const CallContext& ctx) {
  ValidationConfig validation;
  if (ctx.partnership != nullptr) validation.areas = ctx.partnership->areas;
  const WorkflowConfig& config = ConfigFor(ctx);
  for (const auto& [scheme, hours] : config.service_hours_by_scheme) {
    validation.schemes.push_back(scheme);
  }
  validation.marac = config.marac;
  return validation;
}

absl::Status ReferralService::CheckVersion(const Referral& r, int64_t version) {
  if (version == r.version) return absl::OkStatus();
  return absl::AbortedError(absl::StrCat("the referral has changed (version ",
                                         r.version, ", not ", version,
                                         "); read it again and retry"));
}

absl::StatusOr<CreateResult> ReferralService::Submit(
    const CallContext& ctx, const std::string& request_id,
    const std::string& fingerprint, Referral draft,
    const std::vector<VisibilityScope>& readable) {
  SAFEGUARD_ASSIGN_OR_RETURN(AuditRecord* const audit, AuditOf(ctx));
  const absl::Time now = clock_.Now();
  const ReferralKindModule* kind = FindReferralKind(draft.kind);
  if (kind != nullptr) {
    SAFEGUARD_RETURN_IF_ERROR(kind->MaySubmit(ctx.first_responder));
  }
  ClearOutputOnly(draft);
  const WorkflowConfig& config = ConfigFor(ctx);
  const ValidationConfig validation = ValidationFor(ctx);
  std::vector<FieldViolation> violations;
  if (request_id.empty()) {
    violations.push_back({"request_id", "is required"});
  } else if (request_id.size() > kMaxRequestIdBytes) {
    violations.push_back(
        {"request_id", absl::StrCat("must be at most ", kMaxRequestIdBytes,
                                    " bytes")});
  }
  for (FieldViolation& v : ValidateSubmission(draft, validation, now)) {
    violations.push_back(std::move(v));
  }
  if (draft.links.size() > kMaxLinks) {
    violations.push_back({"referral.links", absl::StrCat("must have at most ",
                                                          kMaxLinks, " items")});
  }
  for (size_t i = 0; i < draft.links.size() && i < kMaxLinks; ++i) {
    const std::string at = absl::StrCat("referral.links[", i, "]");
    if (kind == nullptr || !kind->TakesLink(draft.links[i].type)) {
      violations.push_back(
          {at + ".type", "is not a link this kind of referral takes"});
    }
    if (draft.links[i].referral_id.empty()) {
      violations.push_back({at + ".referral", "is required"});
    }
  }
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);

  // Valid, so of a known kind.
  NewReferralHooks hooks;
  kind->PrepareSubmission(config, now, draft, hooks);
  if (draft.priority == Priority::kUnspecified) {
    draft.priority = Priority::kStandard;
  }
  draft.id = ids_.NewId(now);
  draft.referring_agency = ctx.identity.agency;
  draft.referrer = ctx.identity.principal;
  draft.create_time = now;
  draft.update_time = now;
  draft.consent.recorded_by = ctx.Name();
  draft.consent.record_time = now;
  draft.version = 1;
  Actor actor{ctx.Name(), ctx.roles};
  SAFEGUARD_RETURN_IF_ERROR(Workflow(calendar_, zone_, config)
                                .Apply(draft, "submit", {}, actor, now));

  const std::string prefix = absl::StrCat(
      kind->reference_prefix(), "-", absl::ToCivilYear(now, zone_).year());
  const std::string key = absl::StrCat(ctx.Name(), "/", request_id);
  audit->view = ViewRoles(ctx, draft).ToString();
  for (ReferralLink& link : draft.links) {
    link.linked_by = ctx.Name();
    link.link_time = now;
  }
  CreateResult result;
  std::vector<Referral> linked;  // the referrals given a link back
  absl::Status written = units_.Write(
      *audit, [&](WriteTransaction& tx) -> absl::Status {
        SAFEGUARD_ASSIGN_OR_RETURN(std::optional<SubmissionRecord> seen,
                                   tx.FindSubmission(key));
        if (seen.has_value()) {
          if (seen->fingerprint != fingerprint) {
            return absl::AlreadyExistsError(
                "request_id was already used for a different referral");
          }
          SAFEGUARD_ASSIGN_OR_RETURN(result.referral,
                                     tx.GetReferral(seen->referral_id));
          result.created = false;
          return absl::OkStatus();
        }
        // The key is new: only now is anything else read.
        Referral row = draft;
        if (hooks.complete) {
          std::optional<absl::Time> last_repeat;
          if (hooks.last_repeat) {
            SAFEGUARD_ASSIGN_OR_RETURN(last_repeat, hooks.last_repeat(tx, row));
          }
          hooks.complete(row, last_repeat);
        }
        SAFEGUARD_ASSIGN_OR_RETURN(row.reference, tx.NextReference(prefix));
        linked.clear();
        audit->disclosed.clear();
        for (size_t i = 0; i < row.links.size(); ++i) {
          SAFEGUARD_ASSIGN_OR_RETURN(
              Referral other, LinkBack(tx, row, row.links[i], readable, now,
                                       absl::StrCat("referral.links[", i,
                                                    "].referral")));
          audit->disclosed.push_back(other.id);
          linked.push_back(std::move(other));
        }
        SAFEGUARD_RETURN_IF_ERROR(tx.InsertReferral(row));
        SAFEGUARD_RETURN_IF_ERROR(
            tx.RecordSubmission(key, {fingerprint, row.id}));
        SAFEGUARD_RETURN_IF_ERROR(tx.IndexPeople(row, kind->PeopleNamed(row)));
        audit->referral_id = row.id;
        result.referral = std::move(row);
        result.created = true;
        return absl::OkStatus();
      });
  if (!written.ok()) {
    audit->referral_id.clear();  // no referral was stored
    audit->disclosed.clear();
    return written;
  }
  audit->referral_id = result.referral.id;
  if (result.created) {
    events_.Publish({ReferralEventType::kCreated, result.referral, now});
    for (const Referral& other : linked) {
      events_.Publish({ReferralEventType::kUpdated, other, now});
    }
  }
  return result;
}

absl::StatusOr<Referral> ReferralService::LoadVisible(const CallContext& ctx,
                                                      const std::string& id) {
  absl::StatusOr<Referral> r = store_.Get(id);
  if (absl::IsNotFound(r.status())) return NotFound();
  if (!r.ok()) return r.status();
  if (!IsVisible(*r, ctx.scopes)) return NotFound();
  return r;
}

absl::StatusOr<Referral> ReferralService::Get(const CallContext& ctx,
                                              const std::string& id) {
  return LoadVisible(ctx, id);
}

absl::StatusOr<QueuePage> ReferralService::List(const CallContext& ctx,
                                                QueueQuery query) {
  query.scopes = ctx.scopes;
  query.now = clock_.Now();
  return store_.List(query);
}

RoleSet ReferralService::ViewRoles(const CallContext& ctx,
                                  const Referral& referral) {
  return ctx.scopes.empty() ? ctx.roles : RolesSeeing(referral, ctx.scopes);
}

absl::StatusOr<Referral> ReferralService::Commit(
    const CallContext& ctx, Referral updated, int64_t expected_version,
    const std::function<absl::Status(WriteTransaction&)>& also) {
  SAFEGUARD_ASSIGN_OR_RETURN(AuditRecord* const audit, AuditOf(ctx));
  audit->referral_id = updated.id;
  audit->view = ViewRoles(ctx, updated).ToString();
  std::string rules = RulesSeeing(updated, ctx.scopes);
  if (!rules.empty()) audit->rule = rules;
  SAFEGUARD_RETURN_IF_ERROR(
      units_.Write(*audit, [&](WriteTransaction& tx) -> absl::Status {
        SAFEGUARD_RETURN_IF_ERROR(tx.UpdateReferral(updated, expected_version));
        return also ? also(tx) : absl::OkStatus();
      }));
  events_.Publish({ReferralEventType::kUpdated, updated, updated.update_time});
  return updated;
}

absl::StatusOr<Referral> ReferralService::Transition(
    const CallContext& ctx, const std::string& id, const std::string& action,
    int64_t version, const TransitionDetails& details) {
  SAFEGUARD_ASSIGN_OR_RETURN(Referral r, LoadVisible(ctx, id));
  if (ctx.audit != nullptr) ctx.audit->referral_id = r.id;
  SAFEGUARD_RETURN_IF_ERROR(CheckVersion(r, version));
  if (action == "submit") {
    return absl::InvalidArgumentError("'submit' is not a transition");
  }
  const absl::Time now = clock_.Now();
  Actor actor{ctx.Name(), RolesSeeing(r, ctx.scopes)};
  return TakeAction(ctx, std::move(r), action, version, details, actor, now);
}

absl::StatusOr<Referral> ReferralService::TakeAction(
    const CallContext& ctx, Referral current, const std::string& action,
    int64_t version, const TransitionDetails& details, const Actor& actor,
    absl::Time now) {
  SAFEGUARD_ASSIGN_OR_RETURN(AuditRecord* const audit, AuditOf(ctx));
  audit->view = ViewRoles(ctx, current).ToString();
  std::string rules = RulesSeeing(current, ctx.scopes);
  if (!rules.empty()) audit->rule = rules;
  const Workflow workflow(calendar_, zone_, ConfigFor(ctx));
  constexpr char kField[] = "meeting.name";
  Referral result;
  SAFEGUARD_RETURN_IF_ERROR(units_.Write(
      *audit, [&](WriteTransaction& tx) -> absl::Status {
        CaseFacts facts;
        SAFEGUARD_ASSIGN_OR_RETURN(
            facts.open_actions,
            tx.CountActions(current.id, ActionStatus::kOpen));
        TransitionDetails step = details;
        std::optional<Meeting> meeting;
        if (!details.meeting_id.empty()) {
          absl::StatusOr<Meeting> named = tx.GetMeeting(details.meeting_id);
          if (!named.ok() && !absl::IsNotFound(named.status())) {
            return named.status();
          }
          if (!named.ok() ||
              !RolesReaching(named->kind, named->area, ctx.scopes)
                   .Intersects(OrganiserRoles(named->kind))) {
            return InvalidArgumentWithViolations(
                {{kField, "names no meeting the caller lists cases to"}});
          }
          const absl::CivilDay day = absl::ToCivilDay(named->start_time, zone_);
          step.meeting_date =
              Date{static_cast<int>(day.year()), day.month(), day.day()};
          meeting = *std::move(named);
        }
        Referral r = current;
        SAFEGUARD_RETURN_IF_ERROR(
            workflow.Apply(r, action, step, actor, now, facts));
        r.version = version + 1;
        if (meeting.has_value()) {
          SAFEGUARD_RETURN_IF_ERROR(AddCase(*meeting, r, now, kField));
          const int64_t meeting_version = meeting->version;
          meeting->version = meeting_version + 1;
          meeting->update_time = now;
          SAFEGUARD_RETURN_IF_ERROR(
              tx.UpdateMeeting(*meeting, meeting_version));
        }
        SAFEGUARD_RETURN_IF_ERROR(tx.UpdateReferral(r, version));
        result = std::move(r);
        return absl::OkStatus();
      }));
  events_.Publish({ReferralEventType::kUpdated, result, result.update_time});
  return result;
}

absl::StatusOr<Referral> ReferralService::Assign(const CallContext& ctx,
                                                 const std::string& id,
                                                 const std::string& assignee,
                                                 RoleSet assignee_roles,
                                                 int64_t version) {
  if (!assignee.empty() && !IsValidCallerName(assignee)) {
    return InvalidArgumentWithViolations(
        {{"assignee",
          "must be <agency>/system/<name> or <agency>/person/<name>, or empty "
          "to unassign"}});
  }
  SAFEGUARD_ASSIGN_OR_RETURN(Referral r, LoadVisible(ctx, id));
  if (ctx.audit != nullptr) ctx.audit->referral_id = r.id;
  SAFEGUARD_RETURN_IF_ERROR(CheckVersion(r, version));
  SAFEGUARD_RETURN_IF_ERROR(CheckAssignment(r, RolesSeeing(r, ctx.scopes),
                                            assignee_roles, assignee.empty()));
  const absl::Time now = clock_.Now();
  TransitionRecord record;
  record.actor = ctx.Name();
  record.time = now;
  record.action = assignee.empty() ? "unassign" : "assign";
  record.from_state = r.state;
  record.to_state = r.state;
  record.reason = assignee.empty() ? "" : absl::StrCat("assigned to ", assignee);
  r.history.push_back(std::move(record));
  r.assignee = assignee;
  r.update_time = now;
  r.version = version + 1;
  return Commit(ctx, std::move(r), version);
}

absl::StatusOr<Referral> ReferralService::AddNote(const CallContext& ctx,
                                                  const std::string& id,
                                                  const std::string& text) {
  if (absl::StripAsciiWhitespace(text).empty()) {
    return InvalidArgumentWithViolations({{"text", "is required"}});
  }
  if (text.size() > kMaxNoteBytes) {
    return InvalidArgumentWithViolations(
        {{"text", absl::StrCat("must be at most ", kMaxNoteBytes, " bytes")}});
  }
  // A note does not depend on the referral's state: retry on a concurrent
  // change instead of sending the caller back.
  for (int attempt = 0;; ++attempt) {
    SAFEGUARD_ASSIGN_OR_RETURN(Referral r, LoadVisible(ctx, id));
    size_t note_bytes = text.size();
    for (const Note& n : r.notes) note_bytes += n.text.size();
    if (r.notes.size() >= kMaxNotes || note_bytes > kMaxNoteListBytes) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the referral holds the most notes it may (", kMaxNotes, " notes, ",
          kMaxNoteListBytes, " bytes in all)"));
    }
    const int64_t version = r.version;
    const absl::Time now = clock_.Now();
    r.notes.push_back({ctx.Name(), now, text});
    r.update_time = now;
    r.version = version + 1;
    absl::StatusOr<Referral> committed =
        Commit(ctx, std::move(r), version);
    if (!absl::IsAborted(committed.status()) || attempt == 4) return committed;
  }
}

}  // namespace safeguard
