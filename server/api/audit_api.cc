#include "server/api/audit_api.h"

#include <atomic>
#include <cstdio>
#include <deque>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/api/referral_options.h"
#include "server/api/resource_names.h"
#include "server/audit/parallel_verification.h"
#include "server/common/log.h"
#include "server/convert/referral_convert.h"
#include "server/core/field_violations.h"

namespace safeguard {
namespace {

constexpr int kDefaultPage = 100;
constexpr int kMaxPage = 1000;
constexpr size_t kMinBreakGlassReason = 20;

// One ExportAuditLog stream: entries, then checkpoints, a page at a time,
// fetched on the worker pool. Always either fetching or writing until it
// closes, so a cancel is seen at the next fetch or as a failed write.
class ExportSession final : public ApiStream {
 public:
  ExportSession(AuditReader& reader, std::string checkpoint_file,
                WorkerPool& pool, int64_t from, StreamSink* sink)
      : reader_(reader),
        checkpoint_file_(std::move(checkpoint_file)),
        pool_(pool),
        after_(from > 0 ? from - 1 : 0),
        sink_(sink) {}

  void Start(ResolvedCall) override {
    sink_->Live();
    Fill();
  }
  void Refuse(const absl::Status& why) override { sink_->Close(why); }
  void OnWritten(bool ok) override {
    if (!ok) {
      sink_->Close(absl::CancelledError("the client went away"));
      return;
    }
    items_.pop_front();
    if (items_.empty()) {
      pool_.Schedule([this] { Fill(); });
    } else {
      sink_->Write(items_.front());
    }
  }
  void Cancel() override { cancelled_ = true; }

 private:
  void Fill() {
    if (cancelled_) {
      sink_->Close(absl::CancelledError("the client went away"));
      return;
    }
    if (!entries_done_) {
      absl::StatusOr<std::vector<v1::AuditEntry>> page =
          reader_.List(v1::AuditFilter(), after_, 1000);
      if (!page.ok()) {
        sink_->Close(page.status());
        return;
      }
      for (v1::AuditEntry& e : *page) {
        after_ = e.sequence();
        *items_.emplace_back().mutable_entry() = std::move(e);
      }
      if (page->empty()) entries_done_ = true;
    }
    if (entries_done_ && items_.empty() && !checkpoints_done_) {
      checkpoints_done_ = true;
      absl::StatusOr<std::vector<v1::AuditCheckpoint>> checkpoints =
          ReadCheckpointFile(checkpoint_file_);
      if (!checkpoints.ok()) {
        sink_->Close(checkpoints.status());
        return;
      }
      for (v1::AuditCheckpoint& c : *checkpoints) {
        *items_.emplace_back().mutable_checkpoint() = std::move(c);
      }
    }
    if (items_.empty()) {
      sink_->Close(absl::OkStatus());
      return;
    }
    sink_->Write(items_.front());
  }

  AuditReader& reader_;
  const std::string checkpoint_file_;
  WorkerPool& pool_;
  int64_t after_;
  StreamSink* const sink_;
  std::atomic<bool> cancelled_{false};
  bool entries_done_ = false;
  bool checkpoints_done_ = false;
  // Touched by one step at a time: Fill and OnWritten never overlap.
  std::deque<v1::AuditExportItem> items_;
};

}  // namespace

std::vector<ApiMethod> AuditApi::Methods() {
  const google::protobuf::ServiceDescriptor* service =
      v1::AuditEntry::descriptor()->file()->FindServiceByName("Audit");
  auto method = [service](const char* name) {
    return service->FindMethodByName(name);
  };
  return {
      MakeUnary<v1::ListAuditEntriesRequest, v1::ListAuditEntriesResponse>(
          gate_, method("ListAuditEntries"),
          [this](ResolvedCall&, AuditRecord&, const auto& q, auto* r) {
            return ListPage(q.filter(), q.page_size(), q.page_token(), r);
          }),
      MakeUnary<v1::GetAccessLogRequest, v1::ListAuditEntriesResponse>(
          gate_, method("GetAccessLog"),
          [this](ResolvedCall& c, AuditRecord& a, const auto& q, auto* r) {
            return GetAccessLog(c, a, q, r);
          }),
      MakeUnary<v1::VerifyAuditLogRequest, v1::VerifyAuditLogResponse>(
          gate_, method("VerifyAuditLog"),
          [this](ResolvedCall&, AuditRecord&, const auto&, auto* r) {
            absl::StatusOr<v1::VerifyAuditLogResponse> result = Verify();
            if (!result.ok()) return result.status();
            *r = *std::move(result);
            return absl::OkStatus();
          }),
      MakeStream<v1::ExportAuditLogRequest>(
          gate_, method("ExportAuditLog"),
          [this](const v1::ExportAuditLogRequest& request, StreamSink* sink) {
            return std::make_unique<ExportSession>(
                reader_, checkpoint_file_, gate_.pool(),
                request.from_sequence(), sink);
          }),
      MakeUnary<v1::BreakGlassRequest, v1::Referral>(
          gate_, method("BreakGlass"),
          [this](ResolvedCall& c, AuditRecord& a, const auto& q, auto* r) {
            return BreakGlass(c, a, q, r);
          }),
  };
}

absl::Status AuditApi::ListPage(const v1::AuditFilter& filter,
                                int32_t page_size, const std::string& token,
                                v1::ListAuditEntriesResponse* response) {
  std::vector<FieldViolation> bad;
  if (page_size < 0 || page_size > kMaxPage) {
    bad.push_back({"page_size", absl::StrCat("must be 0 to ", kMaxPage)});
  }
  int64_t after = 0;
  if (!token.empty() && (!absl::SimpleAtoi(token, &after) || after < 0)) {
    bad.push_back({"page_token", "is not a page token from this server"});
  }
  if (!bad.empty()) return InvalidArgumentWithViolations(bad);
  const int limit = page_size == 0 ? kDefaultPage : page_size;
  absl::StatusOr<std::vector<v1::AuditEntry>> entries =
      reader_.List(filter, after, limit + 1);
  if (!entries.ok()) return entries.status();
  bool more = static_cast<int>(entries->size()) > limit;
  if (more) entries->pop_back();
  for (v1::AuditEntry& e : *entries) *response->add_entries() = std::move(e);
  if (more) {
    response->set_next_page_token(
        absl::StrCat(response->entries(response->entries_size() - 1).sequence()));
  }
  return absl::OkStatus();
}

absl::Status AuditApi::GetAccessLog(ResolvedCall& call, AuditRecord& audit,
                                  const v1::GetAccessLogRequest& request,
                                  v1::ListAuditEntriesResponse* response) {
  absl::StatusOr<std::string> id = ReferralIdFromName(request.name());
  if (!id.ok()) return id.status();
  audit.referral_id = *id;
  // Only for a referral in the caller's scope.
  absl::StatusOr<Referral> r = referrals_.Get(call.context, *id);
  if (!r.ok()) return r.status();
  v1::AuditFilter filter;
  filter.set_referral(request.name());
  return ListPage(filter, request.page_size(), request.page_token(), response);
}

absl::StatusOr<v1::VerifyAuditLogResponse> AuditApi::Verify() {
  absl::StatusOr<std::vector<v1::AuditCheckpoint>> checkpoints =
      ReadCheckpointFile(checkpoint_file_);
  if (!checkpoints.ok()) return checkpoints.status();
  ChainVerifier verifier(*std::move(checkpoints), key_);
  // One at a time: each walk takes two read connections and both cores.
  absl::MutexLock one_at_a_time(&verify_mu_);
  absl::Status walked = VerifyInParallel(reader_, verifier);
  if (!walked.ok()) return walked;
  return verifier.Finish();
}

absl::Status AuditApi::BreakGlass(ResolvedCall& call, AuditRecord& audit,
                                const v1::BreakGlassRequest& request,
                                v1::Referral* response) {
  std::vector<FieldViolation> bad;
  absl::StatusOr<std::string> id = ReferralIdFromName(request.name());
  if (!id.ok()) bad = FieldViolations(id.status());
  const std::string reason(absl::StripAsciiWhitespace(request.reason()));
  if (reason.size() < kMinBreakGlassReason) {
    bad.push_back({"reason", absl::StrCat("must say why, in at least ",
                                          kMinBreakGlassReason,
                                          " characters")});
  }
  if (!bad.empty()) return InvalidArgumentWithViolations(bad);
  audit.referral_id = *id;
  audit.break_glass_reason = reason;
  audit.rule = "break-glass";
  absl::StatusOr<Referral> r = referrals_.Get(call.context, *id);
  if (!r.ok()) return r.status();
  ToProto(*r, response);  // every field: that is what break-glass is for
  SetCallerOptions(*r, call, response);
  audit.view = "break-glass: all fields";
  Log(LogLevel::kWarning, "break_glass",
      absl::StrCat("BREAK-GLASS read, recorded in the audit log (request ",
                   audit.request_id, ")"),
      {{"request_id", audit.request_id}});
  return absl::OkStatus();
}

}  // namespace safeguard
