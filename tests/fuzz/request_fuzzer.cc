// request_fuzzer: every request message of safeguard.v1.Referrals,
// safeguard.v1.People, safeguard.v1.Reports and safeguard.v1.Audit, from
// bytes, through the API's own method bodies (ReferralsApi, PeopleApi and
// ReportsApi over an in-memory store, as every transport calls them
// once a call is admitted): limits, conversion to the domain, validation,
// the workflow, field views, names, page tokens, watch filters.
//
// The first byte picks the message (kMessages); the rest is parsed as it.
// Bytes that do not parse are dropped, as gRPC drops them.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/time/civil_time.h"
#include "safeguard/v1/audit.pb.h"
#include "safeguard/v1/referrals.pb.h"
#include "server/common/deterministic_bytes.h"
#include "server/common/sha256.h"
#include "server/convert/referral_convert.h"
#include "server/core/field_violations.h"
#include "server/core/identity.h"
#include "server/core/referral_events.h"
#include "server/core/referral_kind.h"
#include "server/core/referral_service.h"
#include "server/core/working_days.h"
#include "server/policy/policy.h"
#include "server/access/access_gate.h"
#include "server/api/people_api.h"
#include "server/api/referrals_api.h"
#include "server/api/reports_api.h"
#include "server/api/resource_names.h"
#include "server/api/page_token.h"
#include "server/api/request_limits.h"
#include "server/rpc/status_convert.h"
#include "tests/fuzz/fuzz_input.pb.h"
#include "tests/testing/memory_referral_store.h"

namespace safeguard::fuzz {
namespace {

// The order of the first byte's choices.
enum Message : uint8_t {
  kSubmit,
  kSession,  // a Session: submit, then transitions
  kGet,
  kList,
  kAssign,
  kAddNote,
  kWatch,
  kListAuditEntries,
  kGetAccessLog,
  kVerifyAuditLog,
  kExportAuditLog,
  kBreakGlass,
  kLink,
  kUnlink,
  kUpdate,
  kPeople,  // a referral naming people, then one People request
  kReports,  // a referral submitted, then one Reports request
  kMessages,
};

class FixedClock final : public Clock {
 public:
  absl::Time Now() const override { return now; }
  absl::Time now = absl::FromCivil(absl::CivilSecond(2025, 6, 2, 10, 0, 0),
                                   absl::UTCTimeZone());
};

class CountingIds final : public IdGenerator {
 public:
  std::string NewId(absl::Time) override {
    return absl::StrCat("fuzz", ++next_);
  }

 private:
  int64_t next_ = 0;
};

// What every input shares: the shipped policy and bank holidays.
struct Environment {
  Environment() {
    absl::StatusOr<std::shared_ptr<const CompiledPolicy>> loaded =
        CompiledPolicy::Load(SAFEGUARD_SOURCE_DIR
                             "/policy/partnership.textproto");
    absl::StatusOr<HolidayCalendar> holidays = HolidayCalendar::Load(
        SAFEGUARD_SOURCE_DIR "/deploy/bank-holidays-england-and-wales.txt");
    if (!loaded.ok() || !holidays.ok() ||
        !absl::LoadTimeZone("Europe/London", &zone)) {
      std::abort();
    }
    policy = *std::move(loaded);
    calendar = std::make_unique<HolidayCalendar>(*std::move(holidays));
  }
  std::shared_ptr<const CompiledPolicy> policy;
  std::unique_ptr<HolidayCalendar> calendar;
  absl::TimeZone zone;
  ReferralEvents events;
};

Environment& Env() {
  static Environment* const env = new Environment();
  return *env;
}

// A caller holding `roles` who sees every referral in them.
CallContext Caller(RoleSet roles) {
  CallContext ctx;
  ctx.identity.agency = "suffolk-police";
  ctx.identity.principal = "system/athena";
  ctx.roles = roles;
  VisibilityScope all;
  all.all = true;
  all.roles = roles;
  all.rule = "fuzz";
  ctx.scopes = {all};
  ctx.first_responder = true;
  ctx.partnership = Env().policy->partnership();
  return ctx;
}

RoleSet AllRoles() {
  RoleSet roles;
  for (int r = 0; r < kRoleCount; ++r) roles.Add(static_cast<Role>(r));
  return roles;
}

RoleSet RolesFromBits(uint32_t bits) {
  if (bits == 0) return AllRoles();
  RoleSet roles;
  for (int r = 0; r < kRoleCount; ++r) {
    if (bits & (uint32_t{1} << r)) roles.Add(static_cast<Role>(r));
  }
  return roles;
}

// A fake audit log: the bodies never append (the AccessGate does).
class NoAuditLog final : public AuditLog {
 public:
  absl::Status Append(const AuditRecord&) override { return absl::OkStatus(); }
};

// The admission side that ReferralsApi's methods would use; its bodies,
// called directly here, do not.
struct Admission {
  Admission()
      : authenticator("safeguard"),
        policies(Env().policy),
        pool(1),
        gate(authenticator, audit, policies, clock, call_gate, pool, 1) {}
  CertificateAuthenticator authenticator;
  NoAuditLog audit;
  PolicyHolder policies;
  FixedClock clock;
  CallGate call_gate;
  WorkerPool pool;
  AccessGate gate;
};

Admission& Admit() {
  static Admission* const admission = new Admission();
  return *admission;
}

// What the server sends back: the status as gRPC carries it, or the
// message serialized.
void Respond(const absl::Status& status, const google::protobuf::Message& m) {
  if (!status.ok()) {
    (void)ToGrpcStatus(status);
    return;
  }
  (void)m.SerializeAsString();
}

// An admitted call of a caller holding `roles`, who sees every referral in
// them.
ResolvedCall Call(RoleSet roles) {
  ResolvedCall call;
  call.context = Caller(roles);
  call.policy = Env().policy;
  call.rule = "fuzz";
  return call;
}

// The API's bodies over a fresh in-memory store.
struct Service {
  Service()
      : service(store, store, Env().events, clock, *Env().calendar, Env().zone, ids),
        api(service, Env().events, Admit().gate),
        people(store, store, clock),
        people_api(people, Admit().gate),
        reports(store, *Env().calendar, Env().zone, clock),
        reports_api(reports, Admit().gate) {}
  testing::MemoryReferralStore store;
  FixedClock clock;
  CountingIds ids;
  ReferralService service;
  ReferralsApi api;
  PersonService people;
  PeopleApi people_api;
  ReportService reports;
  ReportsApi reports_api;
};

// Runs a body as its ApiMethod does: the request's limits first.
template <typename Request, typename Response, typename Body>
absl::Status Run(const Request& request, Response* response, Body body) {
  absl::Status status = CheckRequestLimits(request);
  if (status.ok()) status = body(request, response);
  Respond(status, *response);
  return status;
}

// One call of `method` (a ReferralsApi body) as a caller holding every
// role, over a fresh store.
template <typename Response, typename Request, typename Method>
void Once(const Request& request, Method method) {
  Service s;
  ResolvedCall call = Call(AllRoles());
  AuditRecord audit;
  call.context.audit = &audit;
  Response out;
  (void)Run(request, &out, [&](const auto& q, auto* r) {
    return (s.api.*method)(call, audit, q, r);
  });
}

// A referral submitted (its people get records), then one People request;
// names "people/first" and "people/second" stand for the records of its
// first two people.
void RunPeople(const PeopleInput& input) {
  Service s;
  ResolvedCall call = Call(AllRoles());
  AuditRecord audit;
  call.context.audit = &audit;
  v1::Referral created;
  const bool submitted =
      Run(input.submit(), &created, [&](const auto& q, auto* r) {
        return s.api.Submit(call, audit, q, r);
      }).ok();
  std::vector<std::string> records;
  if (submitted) {
    absl::StatusOr<Referral> r =
        s.store.Get(created.name().substr(sizeof("referrals/") - 1));
    if (!r.ok()) std::abort();  // acknowledged, so stored
    const ReferralKindModule* kind = FindReferralKind(r->kind);
    for (const NamedPerson& p :
         kind == nullptr ? std::vector<NamedPerson>() : kind->PeopleNamed(*r)) {
      absl::StatusOr<std::string> id =
          s.store.PersonOf({r->id, p.role, p.index});
      if (!id.ok()) std::abort();  // every person named has a record
      records.push_back("people/" + *id);
    }
  }
  auto name = [&](std::string n) {
    if (n == "people/first" && !records.empty()) return records[0];
    if (n == "people/second" && records.size() > 1) return records[1];
    return n;
  };
  audit = AuditRecord();
  switch (input.request_case()) {
    case PeopleInput::kSearch: {
      v1::SearchPeopleResponse out;
      (void)Run(input.search(), &out, [&](const auto& q, auto* o) {
        return s.people_api.Search(call, audit, q, o);
      });
      break;
    }
    case PeopleInput::kGet: {
      v1::GetPersonRequest q = input.get();
      q.set_name(name(q.name()));
      v1::PersonRecord out;
      (void)Run(q, &out, [&](const auto& q, auto* o) {
        return s.people_api.Get(call, audit, q, o);
      });
      break;
    }
    case PeopleInput::kMerge: {
      v1::MergePeopleRequest q = input.merge();
      q.set_name(name(q.name()));
      q.set_other(name(q.other()));
      v1::PersonRecord out;
      (void)Run(q, &out, [&](const auto& q, auto* o) {
        return s.people_api.Merge(call, audit, q, o);
      });
      break;
    }
    case PeopleInput::kUnmerge: {
      v1::UnmergePersonRequest q = input.unmerge();
      q.set_name(name(q.name()));
      v1::PersonRecord out;
      (void)Run(q, &out, [&](const auto& q, auto* o) {
        return s.people_api.Unmerge(call, audit, q, o);
      });
      break;
    }
    case PeopleInput::kReject: {
      v1::RejectMatchRequest q = input.reject();
      q.set_name(name(q.name()));
      q.set_other(name(q.other()));
      v1::PersonRecord out;
      (void)Run(q, &out, [&](const auto& q, auto* o) {
        return s.people_api.Reject(call, audit, q, o);
      });
      break;
    }
    case PeopleInput::REQUEST_NOT_SET:
      break;
  }
}

// A referral submitted, then one Reports request over the store's facts.
void RunReports(const ReportsInput& input) {
  Service s;
  ResolvedCall call = Call(AllRoles());
  AuditRecord audit;
  call.context.audit = &audit;
  v1::Referral created;
  (void)Run(input.submit(), &created, [&](const auto& q, auto* r) {
    return s.api.Submit(call, audit, q, r);
  });
  audit = AuditRecord();
  v1::Report out;
  switch (input.request_case()) {
    case ReportsInput::kRun:
      (void)Run(input.run(), &out, [&](const auto& q, auto* o) {
        return s.reports_api.Run(call, audit, q, o);
      });
      break;
    case ReportsInput::kUnsuppressed:
      (void)Run(input.unsuppressed(), &out, [&](const auto& q, auto* o) {
        return s.reports_api.RunUnsuppressed(call, audit, q, o);
      });
      break;
    case ReportsInput::REQUEST_NOT_SET:
      break;
  }
}

void RunSession(const Session& session) {
  Service s;
  ResolvedCall submitter = Call(AllRoles());
  AuditRecord audit;
  submitter.context.audit = &audit;
  v1::Referral created;
  if (!Run(session.submit(), &created, [&](const auto& q, auto* r) {
         return s.api.Submit(submitter, audit, q, r);
       }).ok()) {
    return;
  }
  absl::StatusOr<Referral> r =
      s.store.Get(created.name().substr(sizeof("referrals/") - 1));
  if (!r.ok()) std::abort();  // acknowledged, so stored
  if (!session.start_state().empty()) {
    bool known = false;
    for (absl::string_view state : WorkflowStates(r->kind)) {
      known = known || state == session.start_state();
    }
    if (!known) return;
    r->state = session.start_state();
    s.store.Put(*r);
  }
  ResolvedCall actor = Call(RolesFromBits(session.role_bits()));
  actor.context.audit = &audit;
  int64_t version = r->version;
  for (v1::TransitionReferralRequest t : session.transitions()) {
    t.set_name(created.name());
    t.set_version(version);
    v1::Referral next;
    if (!Run(t, &next, [&](const auto& q, auto* out) {
           return s.api.Transition(actor, audit, q, out);
         }).ok()) {
      continue;
    }
    absl::StatusOr<Referral> stored = s.store.Get(r->id);
    if (!stored.ok()) std::abort();
    bool known = false;
    for (absl::string_view state : WorkflowStates(stored->kind)) {
      known = known || state == stored->state;
    }
    if (!known) std::abort();  // the workflow left its own table
    version = stored->version;
  }
}

void Watch(const v1::WatchReferralsRequest& request) {
  std::vector<FieldViolation> bad;
  if (CheckRequestLimits(request).ok()) {
    CheckFilter(request.filter(), Call(AllRoles()), &bad);
  }
}

void ListAuditEntries(const v1::ListAuditEntriesRequest& request) {
  int64_t after = 0;
  (void)absl::SimpleAtoi(request.page_token(), &after);
  (void)FromTimestamp(request.filter().start_time());
  (void)FromTimestamp(request.filter().end_time());
}

template <typename M>
bool Parse(const uint8_t* data, size_t size, M* message) {
  return message->ParseFromArray(data, static_cast<int>(size));
}

}  // namespace
}  // namespace safeguard::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace safeguard;        // NOLINT
  using namespace safeguard::fuzz;  // NOLINT
  if (size < 1 || size > (1 << 20)) return 0;  // the server's request limit
  const uint8_t which = data[0] % kMessages;
  ++data;
  --size;
  switch (which) {
    case kSubmit: {
      v1::SubmitReferralRequest m;
      if (Parse(data, size, &m)) Once<v1::Referral>(m, &ReferralsApi::Submit);
      break;
    }
    case kSession: {
      Session m;
      if (Parse(data, size, &m)) RunSession(m);
      break;
    }
    case kGet: {
      v1::GetReferralRequest m;
      if (Parse(data, size, &m)) Once<v1::Referral>(m, &ReferralsApi::Get);
      break;
    }
    case kList: {
      v1::ListReferralsRequest m;
      if (Parse(data, size, &m)) {
        Once<v1::ListReferralsResponse>(m, &ReferralsApi::List);
      }
      break;
    }
    case kAssign: {
      v1::AssignReferralRequest m;
      if (Parse(data, size, &m)) Once<v1::Referral>(m, &ReferralsApi::Assign);
      break;
    }
    case kAddNote: {
      v1::AddNoteRequest m;
      if (Parse(data, size, &m)) Once<v1::Referral>(m, &ReferralsApi::AddNote);
      break;
    }
    case kWatch: {
      v1::WatchReferralsRequest m;
      if (Parse(data, size, &m)) Watch(m);
      break;
    }
    case kListAuditEntries: {
      v1::ListAuditEntriesRequest m;
      if (Parse(data, size, &m)) ListAuditEntries(m);
      break;
    }
    case kGetAccessLog: {
      v1::GetAccessLogRequest m;
      if (Parse(data, size, &m)) (void)ReferralIdFromName(m.name());
      break;
    }
    case kVerifyAuditLog: {
      v1::VerifyAuditLogRequest m;
      (void)Parse(data, size, &m);
      break;
    }
    case kExportAuditLog: {
      v1::ExportAuditLogRequest m;
      (void)Parse(data, size, &m);
      break;
    }
    case kBreakGlass: {
      v1::BreakGlassRequest m;
      if (Parse(data, size, &m)) (void)ReferralIdFromName(m.name());
      break;
    }
    case kLink: {
      v1::LinkReferralRequest m;
      if (Parse(data, size, &m)) Once<v1::Referral>(m, &ReferralsApi::Link);
      break;
    }
    case kUnlink: {
      v1::UnlinkReferralRequest m;
      if (Parse(data, size, &m)) Once<v1::Referral>(m, &ReferralsApi::Unlink);
      break;
    }
    case kUpdate: {
      v1::UpdateReferralRequest m;
      if (Parse(data, size, &m)) Once<v1::Referral>(m, &ReferralsApi::Update);
      break;
    }
    case kPeople: {
      PeopleInput m;
      if (Parse(data, size, &m)) RunPeople(m);
      break;
    }
    case kReports: {
      ReportsInput m;
      if (Parse(data, size, &m)) RunReports(m);
      break;
    }
  }
  return 0;
}
