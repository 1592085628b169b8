#include "server/api/people_api.h"

#include <string>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/api/resource_names.h"
#include "server/api/written_reason.h"
#include "server/common/proto_time.h"
#include "server/convert/referral_convert.h"
#include "server/core/field_violations.h"
#include "server/core/person_identifier.h"
#include "server/core/referral_kind.h"
#include "server/core/referral_validation.h"

namespace safeguard {
namespace {

constexpr int kDefaultPageSize = 10;
constexpr int kMaxPageSize = 20;

absl::StatusOr<std::string> PersonId(const std::string& name,
                                     absl::string_view field) {
  return IdFromName(name, "people", field);
}

template <typename T>
void AddOnce(std::vector<T>& to, const T& value) {
  if (!absl::c_linear_search(to, value)) to.push_back(value);
}

// What the caller may see of the referrals an answer names.
class Reader {
 public:
  explicit Reader(const ResolvedCall& call)
      : call_(call),
        read_(call.policy->Decide(call.context.identity,
                                  "safeguard.v1.Referrals/GetReferral")) {}

  // Whether the caller may read `r` and its view shows the person in `role`.
  bool Shows(const Referral& r, PersonRole role) const {
    if (!read_.allowed) return false;
    const RoleSet roles = RolesSeeing(r, read_.scopes);
    return !roles.empty() &&
           call_.policy->View(roles, r.kind).Allows(PersonField(role));
  }

 private:
  const ResolvedCall& call_;
  const AccessDecision read_;
};

void ToProto(const MentionRef& m, const Referral& r, bool shown,
             v1::PersonMention* out) {
  out->set_kind(static_cast<v1::ReferralKind>(r.kind));
  out->set_referring_agency(r.referring_agency);
  out->set_state(r.state);
  if (r.create_time != absl::InfinitePast()) {
    ToTimestamp(r.create_time, out->mutable_create_time());
  }
  out->set_named_as(std::string(PersonRoleName(m.role)));
  if (shown) {
    out->set_referral(ReferralName(r.id));
    out->set_path(PersonPath({m.role, m.index, {}}));
  }
}

void ToProto(const PersonCandidate& c,
             const std::map<std::string, Referral>& referrals,
             const Reader& reader, AuditRecord& audit,
             v1::PersonCandidate* out) {
  out->set_person(NameOf("people", c.person_id));
  out->set_score(c.match.score);
  for (MatchReason reason : c.match.reasons) {
    out->add_reasons(std::string(MatchReasonName(reason)));
  }
  for (const MentionRef& m : c.mentions) {
    const Referral& r = referrals.at(m.referral_id);
    ToProto(m, r, reader.Shows(r, m.role), out->add_mentions());
    AddOnce(audit.disclosed, r.id);
  }
  AddOnce(audit.people, c.person_id);
}

void ToProto(const PersonMergeEntry& m, v1::PersonMerge* out) {
  out->set_person(NameOf("people", m.id));
  if (m.time != absl::InfinitePast()) {
    ToTimestamp(m.time, out->mutable_merge_time());
  }
  out->set_merged_by(m.by);
}

void ToProto(const PersonView& view, const Reader& reader, AuditRecord& audit,
             v1::PersonRecord* out) {
  const PersonRecord& p = view.record;
  out->set_name(NameOf("people", p.id));
  out->set_version(p.version);
  if (p.create_time != absl::InfinitePast()) {
    ToTimestamp(p.create_time, out->mutable_create_time());
  }
  AddOnce(audit.people, p.id);
  std::vector<std::string> names, aliases;
  std::vector<int> dates;  // year * 10000 + month * 100 + day
  std::vector<PersonIdentifier> identifiers;
  for (const MentionRef& m : p.mentions) {
    const Referral& r = view.referrals.at(m.referral_id);
    const bool shown = reader.Shows(r, m.role);
    ToProto(m, r, shown, out->add_mentions());
    // (A change's entry is already written, naming these.)
    if (!audit.committed) AddOnce(audit.disclosed, r.id);
    if (!shown) continue;
    std::optional<NamedPerson> person = NamedAt(r, m);
    if (!person) continue;
    const PersonFacts& facts = person->facts;
    if (!facts.full_name.empty()) AddOnce(names, facts.full_name);
    for (const std::string& a : facts.aliases) AddOnce(aliases, a);
    const Date& d = facts.date_of_birth;
    if (!d.empty()) AddOnce(dates, d.year * 10000 + d.month * 100 + d.day);
    for (const PersonIdentifier& id : facts.identifiers) {
      if (absl::c_linear_search(identifiers, id)) continue;
      identifiers.push_back(id);
      v1::PersonIdentifier* o = out->add_identifiers();
      o->set_type(static_cast<v1::PersonIdentifierType>(id.type));
      o->set_value(id.value);
    }
  }
  for (const std::string& n : names) out->add_full_names(n);
  for (const std::string& a : aliases) out->add_aliases(a);
  for (int packed : dates) {
    safeguard::ToProto(Date{packed / 10000, packed / 100 % 100, packed % 100},
                       out->add_dates_of_birth());
  }
  for (const PersonCandidate& c : view.candidates) {
    ToProto(c, view.referrals, reader, audit, out->add_candidates());
  }
  for (const PersonMergeEntry& m : p.merged) ToProto(m, out->add_merged());
  if (!p.merged_into.id.empty()) {
    out->set_merged_into(NameOf("people", p.merged_into.id));
  }
  for (const std::string& id : p.rejected) {
    out->add_rejected(NameOf("people", id));
  }
}

}  // namespace

std::vector<ApiMethod> PeopleApi::Methods() {
  const google::protobuf::ServiceDescriptor& service =
      *v1::SearchPeopleRequest::descriptor()->file()->FindServiceByName(
          "People");
  return {
      MakeMemberUnary(gate_, service, "SearchPeople", this, &PeopleApi::Search),
      MakeMemberUnary(gate_, service, "GetPerson", this, &PeopleApi::Get),
      MakeMemberUnary(gate_, service, "MergePeople", this, &PeopleApi::Merge),
      MakeMemberUnary(gate_, service, "UnmergePerson", this,
                      &PeopleApi::Unmerge),
      MakeMemberUnary(gate_, service, "RejectMatch", this, &PeopleApi::Reject),
  };
}

absl::Status PeopleApi::Search(ResolvedCall& call, AuditRecord& audit,
                               const v1::SearchPeopleRequest& request,
                               v1::SearchPeopleResponse* response) {
  std::vector<FieldViolation> bad;
  CheckWrittenReason(request.reason(), "searching", bad);
  PersonFacts query;
  query.full_name = request.full_name();
  if (query.full_name.size() > kMaxNameBytes) {
    bad.push_back(
        {"full_name", absl::StrCat("must be at most ", kMaxNameBytes, " bytes")});
  }
  if (request.has_date_of_birth()) {
    query.date_of_birth = FromProto(request.date_of_birth());
    if (!IsValidDate(query.date_of_birth)) {
      bad.push_back({"date_of_birth", "is not a valid date (year, or year and "
                                      "month, or full date)"});
    }
  }
  if (static_cast<size_t>(request.identifiers_size()) > kMaxPersonIdentifiers) {
    bad.push_back({"identifiers", absl::StrCat("must have at most ",
                                               kMaxPersonIdentifiers, " items")});
  } else {
    for (int i = 0; i < request.identifiers_size(); ++i) {
      const v1::PersonIdentifier& id = request.identifiers(i);
      const auto type = static_cast<PersonIdentifierType>(id.type());
      const std::string at = absl::StrCat("identifiers[", i, "]");
      std::optional<std::string> value = CanonicalIdentifier(type, id.value());
      if (type != PersonIdentifierType::kNhsNumber &&
          type != PersonIdentifierType::kPncId) {
        bad.push_back({at + ".type", "must be NHS_NUMBER or PNC_ID"});
      } else if (!value) {
        bad.push_back({at + ".value", std::string(IdentifierRule(type))});
      } else {
        query.identifiers.push_back({type, *std::move(value)});
      }
    }
  }
  if (absl::StripAsciiWhitespace(query.full_name).empty() &&
      request.identifiers_size() == 0) {
    bad.push_back({"full_name", "is required unless an identifier is given"});
  }
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    bad.push_back({"page_size", absl::StrCat("must be 0 to ", kMaxPageSize)});
  }
  if (!bad.empty()) return InvalidArgumentWithViolations(bad);
  audit.reason = request.reason();
  absl::StatusOr<PeopleFound> found = service_.Search(
      query, request.page_size() == 0 ? kDefaultPageSize : request.page_size());
  if (!found.ok()) return found.status();
  const Reader reader(call);
  for (const PersonCandidate& c : found->people) {
    ToProto(c, found->referrals, reader, audit, response->add_people());
  }
  return absl::OkStatus();
}

absl::Status PeopleApi::Get(ResolvedCall& call, AuditRecord& audit,
                            const v1::GetPersonRequest& request,
                            v1::PersonRecord* response) {
  absl::StatusOr<std::string> id = PersonId(request.name(), "name");
  if (!id.ok()) return id.status();
  audit.people = {*id};
  absl::StatusOr<PersonView> view = service_.Get(*id);
  if (!view.ok()) return view.status();
  ToProto(*view, Reader(call), audit, response);
  return absl::OkStatus();
}

absl::Status PeopleApi::Merge(ResolvedCall& call, AuditRecord& audit,
                              const v1::MergePeopleRequest& request,
                              v1::PersonRecord* response) {
  absl::StatusOr<std::string> into = PersonId(request.name(), "name");
  if (!into.ok()) return into.status();
  absl::StatusOr<std::string> from = PersonId(request.other(), "other");
  if (!from.ok()) return from.status();
  absl::StatusOr<PersonView> view =
      service_.Merge(call.context, *into, request.version(), *from);
  if (!view.ok()) return view.status();
  ToProto(*view, Reader(call), audit, response);
  return absl::OkStatus();
}

absl::Status PeopleApi::Unmerge(ResolvedCall& call, AuditRecord& audit,
                                const v1::UnmergePersonRequest& request,
                                v1::PersonRecord* response) {
  absl::StatusOr<std::string> id = PersonId(request.name(), "name");
  if (!id.ok()) return id.status();
  absl::StatusOr<PersonView> view = service_.Unmerge(call.context, *id);
  if (!view.ok()) return view.status();
  ToProto(*view, Reader(call), audit, response);
  return absl::OkStatus();
}

absl::Status PeopleApi::Reject(ResolvedCall& call, AuditRecord& audit,
                               const v1::RejectMatchRequest& request,
                               v1::PersonRecord* response) {
  absl::StatusOr<std::string> id = PersonId(request.name(), "name");
  if (!id.ok()) return id.status();
  absl::StatusOr<std::string> other = PersonId(request.other(), "other");
  if (!other.ok()) return other.status();
  absl::StatusOr<PersonView> view =
      service_.Reject(call.context, *id, *other);
  if (!view.ok()) return view.status();
  ToProto(*view, Reader(call), audit, response);
  return absl::OkStatus();
}

}  // namespace safeguard
