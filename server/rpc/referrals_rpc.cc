#include "server/rpc/referrals_rpc.h"

#include <deque>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "server/audit/audit_format.h"
#include "server/convert/referral_convert.h"
#include "server/core/field_violations.h"
#include "server/rpc/page_token.h"
#include "server/rpc/status_convert.h"

namespace safeguard {
namespace {

constexpr char kService[] = "safeguard.v1.Referrals/";
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 100;
// A watcher this far behind is cut off; it lists again and re-watches.
constexpr size_t kMaxWatchBacklog = 1000;
// Sent as initial metadata once a watch is live (referrals.proto).
constexpr char kWatchLiveKey[] = "safeguard-watch";
constexpr char kWatchLiveValue[] = "live";

// The referral as this caller may see it: through the field views of the
// roles it sees the referral in. Returns those roles.
RoleSet ToViewedProto(const Referral& r, const ResolvedCall& call,
                      v1::Referral* out) {
  RoleSet roles = ReferralService::ViewRoles(call.context, r);
  ToProto(r, out);
  ApplyFieldView(call.policy->View(roles, r.kind), out);
  return roles;
}

// Streams committed changes to one watcher, from Start() on. Owned by
// gRPC: deletes itself in OnDone(). Nothing is written before Start(), and
// Finish() waits for it: until then a wish to finish is only noted.
class WatchReactor final : public grpc::ServerWriteReactor<v1::ReferralEvent> {
 public:
  WatchReactor(grpc::CallbackServerContext* context, ReferralEvents& events,
               WatchViews& views, const v1::ReferralFilter& filter)
      : context_(context), events_(events), views_(views), filter_(filter) {}

  // Runs once, on the worker pool, when the opening is allowed and audited:
  // subscribes, then tells the client the watch is live (initial metadata),
  // so it may list knowing that no later change will be missed.
  void Start(ResolvedCall call) {
    call_ = std::move(call);
    subscription_ = events_.Subscribe(
        call_.context.scopes, [this](const ReferralEvent& e) { Enqueue(e); });
    grpc::Status cut_short;
    {
      absl::MutexLock lock(&mu_);
      started_ = true;
      if (!finished_) {
        context_->AddInitialMetadata(kWatchLiveKey, kWatchLiveValue);
        StartSendInitialMetadata();
        WriteNextLocked();
        return;
      }
      cut_short = finish_status_;
    }
    // Last: once finished, OnDone may delete this on another thread.
    Finish(cut_short);
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    queue_.pop_front();
    writing_ = false;
    if (!ok) {
      FinishLocked(grpc::Status::CANCELLED);
      return;
    }
    WriteNextLocked();
  }
  void OnCancel() override {
    absl::MutexLock lock(&mu_);
    FinishLocked(grpc::Status::CANCELLED);
  }
  void OnDone() override {
    events_.Unsubscribe(subscription_);
    delete this;
  }

 private:
  void Enqueue(const ReferralEvent& e) {
    const Referral& r = e.referral;
    if (filter_.kind() != v1::REFERRAL_KIND_UNSPECIFIED &&
        static_cast<int>(r.kind) != filter_.kind()) {
      return;
    }
    if (!filter_.area().empty() && r.area != filter_.area()) return;
    std::shared_ptr<const v1::ReferralEvent> out = views_.For(e, call_);
    absl::MutexLock lock(&mu_);
    if (finished_) return;
    if (queue_.size() >= kMaxWatchBacklog) {
      FinishLocked(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                "the watcher fell behind; list again and "
                                "watch again"));
      return;
    }
    queue_.push_back(std::move(out));
    WriteNextLocked();
  }

  void WriteNextLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (!started_ || writing_ || finished_ || queue_.empty()) return;
    writing_ = true;
    StartWrite(queue_.front().get());
  }
  void FinishLocked(const grpc::Status& status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    finished_ = true;
    if (started_) {
      Finish(status);
    } else {
      finish_status_ = status;
    }
  }

  grpc::CallbackServerContext* const context_;
  ReferralEvents& events_;
  WatchViews& views_;
  const v1::ReferralFilter filter_;
  // Set by Start() before the subscription that reads them.
  ResolvedCall call_;
  int64_t subscription_ = 0;
  absl::Mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status finish_status_ ABSL_GUARDED_BY(mu_);
  std::deque<std::shared_ptr<const v1::ReferralEvent>> queue_
      ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

grpc::ServerUnaryReactor* ReferralsRpc::SubmitReferral(
    grpc::CallbackServerContext* context,
    const v1::SubmitReferralRequest* request, v1::Referral* response) {
  return runner_.Unary(context, absl::StrCat(kService, "SubmitReferral"), response,
               [=](ResolvedCall& call, AuditRecord& audit) {
    absl::StatusOr<Referral> r = service_.Submit(
        call.context, request->request_id(),
        Sha256Hex(DeterministicBytes(request->referral())),
        FromProto(request->referral()), audit);
    if (!r.ok()) return r.status();
    audit.view = ToViewedProto(*r, call, response).ToString();
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ReferralsRpc::GetReferral(
    grpc::CallbackServerContext* context, const v1::GetReferralRequest* request,
    v1::Referral* response) {
  return runner_.Unary(context, absl::StrCat(kService, "GetReferral"), response,
               [=](ResolvedCall& call, AuditRecord& audit) {
    absl::StatusOr<std::string> id = ReferralIdFromName(request->name());
    if (!id.ok()) return id.status();
    audit.referral_id = *id;
    absl::StatusOr<Referral> r = service_.Get(call.context, *id);
    if (!r.ok()) return r.status();
    audit.view = ToViewedProto(*r, call, response).ToString();
    audit.rule = RulesSeeing(*r, call.context.scopes);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ReferralsRpc::ListReferrals(
    grpc::CallbackServerContext* context,
    const v1::ListReferralsRequest* request,
    v1::ListReferralsResponse* response) {
  return runner_.Unary(context, absl::StrCat(kService, "ListReferrals"), response,
               [=](ResolvedCall& call, AuditRecord& audit) {
    std::vector<FieldViolation> bad;
    QueueQuery q;
    const v1::ReferralFilter& f = request->filter();
    if (request->page_size() < 0 || request->page_size() > kMaxPageSize) {
      bad.push_back({"page_size", absl::StrCat("must be 0 to ", kMaxPageSize)});
    }
    q.page_size = request->page_size() == 0 ? kDefaultPageSize
                                            : request->page_size();
    if (f.kind() < 0 || f.kind() > v1::ReferralKind_MAX) {
      bad.push_back({"filter.kind", "is not a referral kind"});
    }
    q.kind = static_cast<ReferralKind>(f.kind());
    q.state = f.state();
    q.area = f.area();
    if (!f.assignee().empty()) {
      q.assignee = f.assignee() == "-" ? std::string() : f.assignee();
    }
    if (f.min_priority() < 0 || f.min_priority() > v1::Priority_MAX) {
      bad.push_back({"filter.min_priority", "is not a priority"});
    }
    q.min_priority = static_cast<Priority>(f.min_priority());
    q.overdue_only = f.overdue_only();
    q.order = request->order_by() == v1::BY_PRIORITY ? QueueOrder::kByPriority
                                                     : QueueOrder::kByDeadline;
    v1::ListReferralsRequest shape = *request;
    shape.clear_page_token();
    shape.clear_page_size();
    const std::string fingerprint =
        Sha256Hex(DeterministicBytes(shape)).substr(0, 16);
    if (!request->page_token().empty()) {
      absl::StatusOr<QueueCursor> after =
          DecodePageToken(request->page_token(), fingerprint);
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
    for (const Referral& r : page->referrals) {
      disclosed.AddAll(ToViewedProto(r, call, response->add_referrals()));
    }
    audit.view = disclosed.ToString();
    if (page->next.has_value()) {
      response->set_next_page_token(EncodePageToken(*page->next, fingerprint));
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ReferralsRpc::TransitionReferral(
    grpc::CallbackServerContext* context,
    const v1::TransitionReferralRequest* request, v1::Referral* response) {
  return runner_.Unary(context, absl::StrCat(kService, "TransitionReferral"), response,
               [=](ResolvedCall& call, AuditRecord& audit) {
    absl::StatusOr<std::string> id = ReferralIdFromName(request->name());
    if (!id.ok()) return id.status();
    absl::StatusOr<Referral> r =
        service_.Transition(call.context, *id, request->action(),
                            request->version(), DetailsFromProto(*request), audit);
    if (!r.ok()) return r.status();
    ToViewedProto(*r, call, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ReferralsRpc::AssignReferral(
    grpc::CallbackServerContext* context,
    const v1::AssignReferralRequest* request, v1::Referral* response) {
  return runner_.Unary(context, absl::StrCat(kService, "AssignReferral"), response,
               [=](ResolvedCall& call, AuditRecord& audit) {
    absl::StatusOr<std::string> id = ReferralIdFromName(request->name());
    if (!id.ok()) return id.status();
    absl::StatusOr<Referral> r = service_.Assign(
        call.context, *id, request->assignee(), request->version(), audit);
    if (!r.ok()) return r.status();
    ToViewedProto(*r, call, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ReferralsRpc::AddNote(
    grpc::CallbackServerContext* context, const v1::AddNoteRequest* request,
    v1::Referral* response) {
  return runner_.Unary(context, absl::StrCat(kService, "AddNote"), response,
               [=](ResolvedCall& call, AuditRecord& audit) {
    absl::StatusOr<std::string> id = ReferralIdFromName(request->name());
    if (!id.ok()) return id.status();
    absl::StatusOr<Referral> r =
        service_.AddNote(call.context, *id, request->text(), audit);
    if (!r.ok()) return r.status();
    ToViewedProto(*r, call, response);
    return absl::OkStatus();
  });
}

grpc::ServerWriteReactor<v1::ReferralEvent>* ReferralsRpc::WatchReferrals(
    grpc::CallbackServerContext* context,
    const v1::WatchReferralsRequest* request) {
  std::vector<FieldViolation> bad;
  const v1::ReferralFilter& f = request->filter();
  for (const auto& [set, field] :
       {std::pair<bool, const char*>{!f.state().empty(), "filter.state"},
        {!f.assignee().empty(), "filter.assignee"},
        {f.min_priority() != 0, "filter.min_priority"},
        {f.overdue_only(), "filter.overdue_only"}}) {
    if (set) {
      bad.push_back({field,
                     "is not supported by WatchReferrals, which must show "
                     "referrals leaving a state; filter by kind or area"});
    }
  }
  return runner_.OpenStream(
      context, absl::StrCat(kService, "WatchReferrals"),
      bad.empty() ? absl::OkStatus() : InvalidArgumentWithViolations(bad),
      new WatchReactor(context, events_, watch_views_, f));
}

}  // namespace safeguard
