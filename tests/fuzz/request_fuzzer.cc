// request_fuzzer: every request message of safeguard.v1.Referrals and
// safeguard.v1.Audit, from bytes, through what the server does with it
// before any store access: conversion to the domain, validation, the
// workflow (ReferralService over an in-memory store), names, page tokens.
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
#include "server/core/referral_service.h"
#include "server/core/working_days.h"
#include "server/policy/policy.h"
#include "server/api/resource_names.h"
#include "server/api/page_token.h"
#include "server/api/request_limits.h"
#include "server/rpc/status_convert.h"
#include "tests/fuzz/fuzz_input.pb.h"
#include "tests/fuzz/memory_referral_store.h"

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

// What the server sends back: the status as gRPC carries it, or the
// referral through the caller's field view.
void Respond(const absl::StatusOr<Referral>& r, const CallContext& ctx) {
  if (!r.ok()) {
    (void)ToGrpcStatus(r.status());
    return;
  }
  v1::Referral out;
  ToProto(*r, &out);
  ApplyFieldView(ctx.partnership == nullptr
                     ? FieldPaths()
                     : Env().policy->View(ctx.roles, r->kind),
                 &out);
  (void)out.SerializeAsString();
}

// Runs ReferralService as the server's handlers do.
struct Service {
  Service()
      : service(store, Env().events, clock, *Env().calendar, Env().zone, ids) {}
  absl::StatusOr<Referral> Submit(const CallContext& ctx,
                                  const v1::SubmitReferralRequest& request) {
    if (absl::Status limits = CheckRequestLimits(request); !limits.ok()) {
      return limits;
    }
    AuditRecord audit;
    absl::StatusOr<CreateResult> created = service.Submit(
        ctx, request.request_id(),
        Sha256Hex(DeterministicBytes(request.referral())),
        FromProto(request.referral()), audit);
    if (!created.ok()) return created.status();
    return std::move(created->referral);
  }
  MemoryReferralStore store;
  FixedClock clock;
  CountingIds ids;
  ReferralService service;
};

void Submit(const v1::SubmitReferralRequest& request) {
  Service s;
  CallContext ctx = Caller(AllRoles());
  Respond(s.Submit(ctx, request), ctx);
}

void RunSession(const Session& session) {
  Service s;
  const CallContext submitter = Caller(AllRoles());
  absl::StatusOr<Referral> r = s.Submit(submitter, session.submit());
  Respond(r, submitter);
  if (!r.ok()) return;
  if (!session.start_state().empty()) {
    bool known = false;
    for (absl::string_view state : WorkflowStates(r->kind)) {
      known = known || state == session.start_state();
    }
    if (!known) return;
    r->state = session.start_state();
    s.store.Put(*r);
  }
  const CallContext actor = Caller(RolesFromBits(session.role_bits()));
  for (const v1::TransitionReferralRequest& t : session.transitions()) {
    (void)ReferralIdFromName(t.name());
    if (!CheckRequestLimits(t).ok()) continue;
    AuditRecord audit;
    absl::StatusOr<Referral> next =
        s.service.Transition(actor, r->id, t.action(), r->version,
                             DetailsFromProto(t), audit);
    Respond(next, actor);
    if (next.ok()) {
      bool known = false;
      for (absl::string_view state : WorkflowStates(next->kind)) {
        known = known || state == next->state;
      }
      if (!known) std::abort();  // the workflow left its own table
      r = *std::move(next);
    }
  }
}

void List(const v1::ListReferralsRequest& request) {
  v1::ListReferralsRequest shape = request;
  shape.clear_page_token();
  shape.clear_page_size();
  (void)CheckRequestLimits(request);
  const std::string fingerprint = DeterministicBytes(shape);
  absl::StatusOr<QueueCursor> after = DecodePageToken(
      request.page_token(),
      request.order_by() == v1::BY_PRIORITY ? QueueOrder::kByPriority
                                            : QueueOrder::kByDeadline,
      fingerprint);
  if (!after.ok()) (void)FieldViolations(after.status());
}

void Assign(const v1::AssignReferralRequest& request) {
  Service s;
  CallContext ctx = Caller(AllRoles());
  absl::StatusOr<std::string> id = ReferralIdFromName(request.name());
  if (!id.ok()) return;
  AuditRecord audit;
  RoleSet assignee_roles;
  if (const size_t slash = request.assignee().find('/');
      slash != std::string::npos) {
    assignee_roles = Env().policy->RolesOf({request.assignee().substr(0, slash),
                                            request.assignee().substr(slash + 1),
                                            ""});
  }
  Respond(s.service.Assign(ctx, *id, request.assignee(), assignee_roles,
                           request.version(), audit),
          ctx);
}

void AddNote(const v1::AddNoteRequest& request) {
  Service s;
  CallContext ctx = Caller(AllRoles());
  absl::StatusOr<std::string> id = ReferralIdFromName(request.name());
  if (!id.ok()) return;
  AuditRecord audit;
  Respond(s.service.AddNote(ctx, *id, request.text(), audit), ctx);
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
      if (Parse(data, size, &m)) Submit(m);
      break;
    }
    case kSession: {
      Session m;
      if (Parse(data, size, &m)) RunSession(m);
      break;
    }
    case kGet: {
      v1::GetReferralRequest m;
      if (Parse(data, size, &m)) (void)ReferralIdFromName(m.name());
      break;
    }
    case kList: {
      v1::ListReferralsRequest m;
      if (Parse(data, size, &m)) List(m);
      break;
    }
    case kAssign: {
      v1::AssignReferralRequest m;
      if (Parse(data, size, &m)) Assign(m);
      break;
    }
    case kAddNote: {
      v1::AddNoteRequest m;
      if (Parse(data, size, &m)) AddNote(m);
      break;
    }
    case kWatch: {
      v1::WatchReferralsRequest m;
      (void)Parse(data, size, &m);
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
  }
  return 0;
}
