#include "server/api/referrals_api.h"

#include <memory>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/field_mask_util.h"
#include "server/api/page_token.h"
#include "server/api/referral_changes.h"
#include "server/api/referral_options.h"
#include "server/api/resource_names.h"
#include "server/api/watch_session.h"
#include "server/common/deterministic_bytes.h"
#include "server/common/sha256.h"
#include "server/convert/referral_convert.h"
#include "server/core/field_violations.h"

namespace safeguard {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 100;
// A page stops early past this many bytes, well under a client's 4 MiB.
constexpr size_t kMaxPageBytes = 2 << 20;

// The referral as this caller may see it: through the field views of the
// roles it sees the referral in. Returns those roles. The caller's options
// (SetCallerOptions) are not set: answers about one referral add them.
RoleSet ToViewedProto(const Referral& r, const ResolvedCall& call,
                      v1::Referral* out) {
  RoleSet roles = ReferralService::ViewRoles(call.context, r);
  ToProto(r, out);
  ApplyReferralFieldView(call.policy->View(roles, r.kind), out);
  return roles;
}

// The scopes in which the caller may read referrals: a link may name only
// one of those without the other side's consent.
std::vector<VisibilityScope> Readable(const ResolvedCall& call) {
  return call.policy
      ->Decide(call.context.identity, "safeguard.v1.Referrals/GetReferral")
      .scopes;
}

constexpr char kHiddenField[] =
    "names a field the caller's view does not show";
constexpr size_t kMaxStateBytes = 64;
constexpr size_t kMaxAreaBytes = 200;

}  // namespace

void ApplyReferralView(v1::ReferralView view, v1::Referral* r) {
  if (view != v1::REFERRAL_VIEW_BASIC) return;
  r->clear_subjects();
  r->clear_consent();
  r->clear_external_references();
  r->clear_notes();
  r->clear_history();
  r->clear_form();
  r->clear_available_actions();
  r->clear_assignable();
  r->clear_links();
  r->clear_also_known_to();
}

void CheckFilter(const v1::ReferralFilter& f, const ResolvedCall& call,
                 std::vector<FieldViolation>* bad) {
  if (!v1::ReferralKind_IsValid(f.kind())) {
    bad->push_back({"filter.kind", "is not a referral kind"});
  }
  const auto kind = v1::ReferralKind_IsValid(f.kind())
                        ? static_cast<ReferralKind>(f.kind())
                        : ReferralKind::kUnspecified;
  if (f.state().size() > kMaxStateBytes) {
    bad->push_back({"filter.state",
                    absl::StrCat("must be at most ", kMaxStateBytes, " bytes")});
  }
  if (f.area().size() > kMaxAreaBytes) {
    bad->push_back({"filter.area",
                    absl::StrCat("must be at most ", kMaxAreaBytes, " bytes")});
  }
  if (!f.assignee().empty() && f.assignee() != "-" &&
      !IsValidCallerName(f.assignee())) {
    bad->push_back({"filter.assignee",
                    "must be <agency>/<system|person>/<name>, or - for "
                    "unassigned"});
  }
  if (f.min_priority() < 0 || !v1::Priority_IsValid(f.min_priority())) {
    bad->push_back({"filter.min_priority", "is not a priority"});
  }
  const struct {
    bool set;
    const char* filter_field;
    const char* referral_field;
  } uses[] = {
      {f.kind() != 0, "filter.kind", "kind"},
      {!f.state().empty(), "filter.state", "state"},
      {!f.area().empty(), "filter.area", "area"},
      {!f.assignee().empty(), "filter.assignee", "assignee"},
      {f.min_priority() != 0, "filter.min_priority", "priority"},
      {f.overdue_only(), "filter.overdue_only", "deadline"},
  };
  for (const auto& use : uses) {
    if (use.set && !call.policy->ShownThroughAll(call.context.scopes, kind,
                                                 use.referral_field)) {
      bad->push_back({use.filter_field, kHiddenField});
    }
  }
}

std::vector<ApiMethod> ReferralsApi::Methods() {
  const google::protobuf::ServiceDescriptor* service =
      v1::SubmitReferralRequest::descriptor()->file()->FindServiceByName(
          "Referrals");
  auto method = [service](const char* name) {
    return service->FindMethodByName(name);
  };
  using v1::Referral;
  return {
      MakeUnary<v1::SubmitReferralRequest, Referral>(
          gate_, method("SubmitReferral"),
          [this](ResolvedCall& c, AuditRecord& a, const auto& q, auto* r) {
            return Submit(c, a, q, r);
          }),
      MakeUnary<v1::GetReferralRequest, Referral>(
          gate_, method("GetReferral"),
          [this](ResolvedCall& c, AuditRecord& a, const auto& q, auto* r) {
            return Get(c, a, q, r);
          }),
      MakeUnary<v1::ListReferralsRequest, v1::ListReferralsResponse>(
          gate_, method("ListReferrals"),
          [this](ResolvedCall& c, AuditRecord& a, const auto& q, auto* r) {
            return List(c, a, q, r);
          }),
      MakeUnary<v1::TransitionReferralRequest, Referral>(
          gate_, method("TransitionReferral"),
          [this](ResolvedCall& c, AuditRecord& a, const auto& q, auto* r) {
            return Transition(c, a, q, r);
          }),
      MakeUnary<v1::AssignReferralRequest, Referral>(
          gate_, method("AssignReferral"),
          [this](ResolvedCall& c, AuditRecord& a, const auto& q, auto* r) {
            return Assign(c, a, q, r);
          }),
      MakeUnary<v1::AddNoteRequest, Referral>(
          gate_, method("AddNote"),
          [this](ResolvedCall& c, AuditRecord& a, const auto& q, auto* r) {
            return AddNote(c, a, q, r);
          }),
      MakeUnary<v1::UpdateReferralRequest, Referral>(
          gate_, method("UpdateReferral"),
          [this](ResolvedCall& c, AuditRecord& a, const auto& q, auto* r) {
            return Update(c, a, q, r);
          }),
      MakeUnary<v1::LinkReferralRequest, Referral>(
          gate_, method("LinkReferral"),
          [this](ResolvedCall& c, AuditRecord& a, const auto& q, auto* r) {
            return Link(c, a, q, r);
          }),
      MakeUnary<v1::UnlinkReferralRequest, Referral>(
          gate_, method("UnlinkReferral"),
          [this](ResolvedCall& c, AuditRecord& a, const auto& q, auto* r) {
            return Unlink(c, a, q, r);
          }),
      MakeStream<v1::WatchReferralsRequest>(
          gate_, method("WatchReferrals"),
          [this, name = FullMethodName(*method("WatchReferrals"))](
              const v1::WatchReferralsRequest& request, StreamSink* sink) {
            return std::make_unique<WatchSession>(
                WatchSession::Services{events_, watch_views_, watches_, gate_},
                name, request.filter(), request.view(), sink);
          }),
  };
}

absl::Status ReferralsApi::Submit(ResolvedCall& call, AuditRecord& audit,
                                  const v1::SubmitReferralRequest& request,
                                  v1::Referral* response) {
  // A link may name only a referral the caller can read.
  std::vector<VisibilityScope> readable;
  if (request.referral().links_size() > 0) readable = Readable(call);
  absl::StatusOr<CreateResult> r = service_.Submit(
      call.context, request.request_id(),
      Sha256Hex(DeterministicBytes(request.referral())),
      FromProto(request.referral()), readable);
  if (!r.ok()) return r.status();
  if (!r->created) {
    // A retry is answered with what identifies the referral, never through
    // the submit rule's roles: the referral may have moved on since.
    response->set_name(ReferralName(r->referral.id));
    response->set_reference(r->referral.reference);
    response->set_state(r->referral.state);
    audit.view.clear();
    return absl::OkStatus();
  }
  audit.view = ToViewedProto(r->referral, call, response).ToString();
  return absl::OkStatus();
}

absl::Status ReferralsApi::Get(ResolvedCall& call, AuditRecord& audit,
                               const v1::GetReferralRequest& request,
                               v1::Referral* response) {
  absl::StatusOr<std::string> id = ReferralIdFromName(request.name());
  if (!id.ok()) return id.status();
  audit.referral_id = *id;
  absl::StatusOr<Referral> r = service_.Get(call.context, *id);
  if (!r.ok()) return r.status();
  const RoleSet roles = ToViewedProto(*r, call, response);
  audit.view = roles.ToString();
  SetCallerOptions(*r, call, response);
  if (call.policy->View(roles, r->kind).Allows("also_known_to")) {
    absl::StatusOr<std::vector<KnownElsewhere>> known =
        service_.AlsoKnownTo(*r);
    if (!known.ok()) return known.status();
    for (const KnownElsewhere& k : *known) {
      ToProto(k, response->add_also_known_to());
      // Their envelopes are disclosed: each is in that referral's log.
      audit.disclosed.push_back(k.referral_id);
      for (const std::string* id : {&k.person_record, &k.other_person_record}) {
        if (!id->empty() && !absl::c_linear_search(audit.people, *id)) {
          audit.people.push_back(*id);
        }
      }
    }
  }
  audit.rule = RulesSeeing(*r, call.context.scopes);
  return absl::OkStatus();
}

absl::Status ReferralsApi::List(ResolvedCall& call, AuditRecord& audit,
                                const v1::ListReferralsRequest& request,
                                v1::ListReferralsResponse* response) {
  std::vector<FieldViolation> bad;
  QueueQuery q;
  const v1::ReferralFilter& f = request.filter();
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    bad.push_back({"page_size", absl::StrCat("must be 0 to ", kMaxPageSize)});
  }
  q.page_size = request.page_size() == 0 ? kDefaultPageSize
                                         : request.page_size();
  CheckFilter(f, call, &bad);
  if (!v1::QueueOrder_IsValid(request.order_by())) {
    bad.push_back({"order_by", "is not an order"});
  }
  if (!bad.empty()) return InvalidArgumentWithViolations(bad);
  q.kind = static_cast<ReferralKind>(f.kind());
  q.state = f.state();
  q.area = f.area();
  if (!f.assignee().empty()) {
    q.assignee = f.assignee() == "-" ? std::string() : f.assignee();
  }
  q.min_priority = static_cast<Priority>(f.min_priority());
  q.overdue_only = f.overdue_only();
  q.order = request.order_by() == v1::BY_PRIORITY ? QueueOrder::kByPriority
                                                  : QueueOrder::kByDeadline;
  // Ordering discloses the sort key: only by a field the view shows.
  const char* sort_field =
      q.order == QueueOrder::kByPriority ? "priority" : "deadline";
  if (!call.policy->ShownThroughAll(call.context.scopes, q.kind, sort_field)) {
    bad.push_back({"order_by", kHiddenField});
  }
  v1::ListReferralsRequest shape = request;
  shape.clear_page_token();
  shape.clear_page_size();
  // A token is for this query and this caller only.
  const std::string fingerprint =
      absl::StrCat(call.context.Name(), "\n", DeterministicBytes(shape));
  if (!request.page_token().empty()) {
    absl::StatusOr<QueueCursor> after =
        DecodePageToken(request.page_token(), q.order, fingerprint);
    if (!after.ok()) {
      for (FieldViolation& v : FieldViolations(after.status())) {
        bad.push_back(std::move(v));
      }
    } else {
      q.after = *after;
    }
  }
  if (!bad.empty()) return InvalidArgumentWithViolations(bad);
  absl::StatusOr<QueuePage> page = service_.List(call.context, q);
  if (!page.ok()) return page.status();
  RoleSet disclosed;
  size_t bytes = 0;
  for (const Referral& r : page->referrals) {
    v1::Referral* out = response->add_referrals();
    disclosed.AddAll(ToViewedProto(r, call, out));
    ApplyReferralView(request.view(), out);
    audit.disclosed.push_back(r.id);
    bytes += out->ByteSizeLong();
    if (bytes > kMaxPageBytes && &r != &page->referrals.back()) {
      // The rest comes on the next page: a page fits any client.
      page->next = CursorOf(r);
      break;
    }
  }
  audit.view = disclosed.ToString();
  if (page->next.has_value()) {
    response->set_next_page_token(
        EncodePageToken(*page->next, q.order, fingerprint));
  }
  return absl::OkStatus();
}

absl::Status ReferralsApi::Transition(
    ResolvedCall& call, AuditRecord& audit,
    const v1::TransitionReferralRequest& request, v1::Referral* response) {
  absl::StatusOr<std::string> id = ReferralIdFromName(request.name());
  if (!id.ok()) return id.status();
  TransitionDetails details = DetailsFromProto(request);
  if (request.has_meeting() && !request.meeting().name().empty()) {
    if (request.meeting().has_meeting_date()) {
      return InvalidArgumentWithViolations(
          {{"meeting.meeting_date", "is the named meeting's: leave it unset"}});
    }
    absl::StatusOr<std::string> meeting =
        IdFromName(request.meeting().name(), "meetings", "meeting.name");
    if (!meeting.ok()) return meeting.status();
    details.meeting_id = *std::move(meeting);
  }
  absl::StatusOr<Referral> r = service_.Transition(
      call.context, *id, request.action(), request.version(), details);
  if (!r.ok()) return r.status();
  ToViewedProto(*r, call, response);
  SetCallerOptions(*r, call, response);
  return absl::OkStatus();
}

absl::Status ReferralsApi::Assign(ResolvedCall& call, AuditRecord& audit,
                                  const v1::AssignReferralRequest& request,
                                  v1::Referral* response) {
  absl::StatusOr<std::string> id = ReferralIdFromName(request.name());
  if (!id.ok()) return id.status();
  RoleSet assignee_roles;
  const std::string& assignee = request.assignee();
  if (const size_t slash = assignee.find('/'); slash != std::string::npos) {
    assignee_roles = call.policy->RolesOf(
        {assignee.substr(0, slash), assignee.substr(slash + 1), ""});
  }
  absl::StatusOr<Referral> r = service_.Assign(
      call.context, *id, assignee, assignee_roles, request.version());
  if (!r.ok()) return r.status();
  ToViewedProto(*r, call, response);
  SetCallerOptions(*r, call, response);
  return absl::OkStatus();
}

absl::Status ReferralsApi::AddNote(ResolvedCall& call, AuditRecord& audit,
                                   const v1::AddNoteRequest& request,
                                   v1::Referral* response) {
  absl::StatusOr<std::string> id = ReferralIdFromName(request.name());
  if (!id.ok()) return id.status();
  absl::StatusOr<Referral> r =
      service_.AddNote(call.context, *id, request.text());
  if (!r.ok()) return r.status();
  ToViewedProto(*r, call, response);
  SetCallerOptions(*r, call, response);
  return absl::OkStatus();
}

absl::Status ReferralsApi::Update(ResolvedCall& call, AuditRecord& audit,
                                  const v1::UpdateReferralRequest& request,
                                  v1::Referral* response) {
  absl::StatusOr<std::string> id =
      IdFromName(request.referral().name(), "referrals", "referral.name");
  if (!id.ok()) return id.status();
  std::vector<FieldViolation> violations;
  if (request.referral().version() <= 0) {
    violations.push_back({"referral.version", "is required: the version read"});
  }
  std::vector<std::string> paths;
  const auto& mask = request.update_mask().paths();
  for (int i = 0; i < mask.size(); ++i) {
    if (!google::protobuf::util::FieldMaskUtil::IsValidPath<v1::Referral>(
            mask[i])) {
      violations.push_back(
          {absl::StrCat("update_mask.paths[", i, "]"),
           "is not the path of a field of a referral outside a list (to "
           "correct a list, such as subjects, name the list)"});
    } else if (absl::c_find(paths, mask[i]) == paths.end()) {
      paths.push_back(mask[i]);
    }
  }
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);
  absl::StatusOr<Referral> r = service_.Correct(
      call.context, *id, request.referral().version(), paths,
      FromProto(request.referral()),
      [&call](RoleSet roles, ReferralKind kind, const std::string& path) {
        return call.policy->View(roles, kind).Allows(path);
      },
      DescribeChanges);
  if (!r.ok()) return r.status();
  ToViewedProto(*r, call, response);
  SetCallerOptions(*r, call, response);
  return absl::OkStatus();
}

absl::Status ReferralsApi::Link(ResolvedCall& call, AuditRecord& audit,
                                const v1::LinkReferralRequest& request,
                                v1::Referral* response) {
  absl::StatusOr<std::string> id = ReferralIdFromName(request.name());
  if (!id.ok()) return id.status();
  std::vector<FieldViolation> violations;
  const LinkType type = FromProto(request.link().type());
  if (type == LinkType::kUnspecified) {
    violations.push_back({"link.type", "is required"});
  }
  absl::StatusOr<std::string> other =
      IdFromName(request.link().referral(), "referrals", "link.referral");
  for (FieldViolation& v : FieldViolations(other.status())) {
    violations.push_back(std::move(v));
  }
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);
  absl::StatusOr<Referral> r =
      service_.Link(call.context, *id, type, *other, Readable(call));
  if (!r.ok()) return r.status();
  ToViewedProto(*r, call, response);
  SetCallerOptions(*r, call, response);
  return absl::OkStatus();
}

absl::Status ReferralsApi::Unlink(ResolvedCall& call, AuditRecord& audit,
                                  const v1::UnlinkReferralRequest& request,
                                  v1::Referral* response) {
  absl::StatusOr<std::string> id = ReferralIdFromName(request.name());
  if (!id.ok()) return id.status();
  absl::StatusOr<std::string> other =
      IdFromName(request.referral(), "referrals", "referral");
  if (!other.ok()) return other.status();
  absl::StatusOr<Referral> r = service_.Unlink(call.context, *id, *other);
  if (!r.ok()) return r.status();
  ToViewedProto(*r, call, response);
  SetCallerOptions(*r, call, response);
  return absl::OkStatus();
}

}  // namespace safeguard
