#include "server/rpc/audit_rpc.h"

#include <cstdio>
#include <deque>
#include <map>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "server/convert/referral_convert.h"
#include "server/core/field_violations.h"

namespace safeguard {
namespace {

constexpr char kService[] = "safeguard.v1.Audit/";
constexpr int kDefaultPage = 100;
constexpr int kMaxPage = 1000;
constexpr size_t kMinBreakGlassReason = 20;

// Streams entries, then checkpoints, fetching pages on the worker pool.
// Owned by gRPC: deletes itself in OnDone().
class ExportReactor final
    : public grpc::ServerWriteReactor<v1::AuditExportItem> {
 public:
  ExportReactor(AuditReader& reader, std::string checkpoint_file,
                WorkerPool& pool, int64_t from)
      : reader_(reader),
        checkpoint_file_(std::move(checkpoint_file)),
        pool_(pool),
        after_(from > 0 ? from - 1 : 0) {}
  // Runs once, on the worker pool, when the opening is allowed and audited.
  void Start(const ResolvedCall&) { Fill(); }
  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status::CANCELLED);
      return;
    }
    items_.pop_front();
    if (items_.empty()) {
      pool_.Schedule([this] { Fill(); });
    } else {
      StartWrite(&items_.front());
    }
  }
  void OnDone() override { delete this; }

 private:
  void Fill() {
    if (!entries_done_) {
      absl::StatusOr<std::vector<v1::AuditEntry>> page =
          reader_.List(v1::AuditFilter(), after_, 1000);
      if (!page.ok()) {
        Finish(ToGrpcStatus(page.status()));
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
        Finish(ToGrpcStatus(checkpoints.status()));
        return;
      }
      for (v1::AuditCheckpoint& c : *checkpoints) {
        *items_.emplace_back().mutable_checkpoint() = std::move(c);
      }
    }
    if (items_.empty()) {
      Finish(grpc::Status::OK);
      return;
    }
    StartWrite(&items_.front());
  }

  AuditReader& reader_;
  const std::string checkpoint_file_;
  WorkerPool& pool_;
  int64_t after_;
  bool entries_done_ = false;
  bool checkpoints_done_ = false;
  // Touched by one step at a time: Fill and OnWriteDone never overlap.
  std::deque<v1::AuditExportItem> items_;
};

// Feeds every entry of `reader` to `verifier`, with the costly part spread
// over two threads: each reads every other chunk of consecutive sequences
// (SQLCipher decrypts each page) and hashes its entries, while the calling
// thread checks the chain through the chunks in order. A gap or a change
// shows up there exactly as in a single walk, since each chunk is a run of
// entries in sequence order. Returns the first read error, unless the
// chain was found broken first.
class ParallelVerification {
 public:
  absl::Status Run(AuditReader& reader, ChainVerifier& verifier) {
    std::vector<std::thread> walkers;
    for (int w = 0; w < kWalkers; ++w) {
      walkers.emplace_back([this, &reader, w] { Walk(reader, w); });
    }
    bool chain_ok = true;
    for (int64_t chunk = 0;; ++chunk) {
      Chunk mine;
      {
        absl::MutexLock lock(&mu_);
        wanted_ = chunk;
        mu_.Await(absl::Condition(this, &ParallelVerification::WantedIsReady));
        auto it = ready_.find(chunk);
        if (it == ready_.end()) break;  // a walker failed
        mine = std::move(it->second);
        ready_.erase(it);
      }
      for (const HashedEntry& e : mine.entries) {
        if (!(chain_ok = verifier.Add(e))) break;
      }
      if (!chain_ok || mine.last) break;
    }
    {
      absl::MutexLock lock(&mu_);
      stop_ = true;
    }
    for (std::thread& t : walkers) t.join();
    if (!chain_ok) return absl::OkStatus();  // the verifier reports it
    absl::MutexLock lock(&mu_);
    return error_;
  }

 private:
  static constexpr int kWalkers = 2;
  static constexpr int64_t kChunk = 4096, kChunksAhead = 4;

  struct Chunk {
    std::vector<HashedEntry> entries;
    bool last = false;  // no entries after these
  };
  // A walker may read `chunk` once it is close enough to what the checker
  // wants, so that no more than kChunksAhead chunks wait in memory.
  struct Turn {
    const ParallelVerification* self;
    int64_t chunk;
    bool Come() const ABSL_NO_THREAD_SAFETY_ANALYSIS {
      return self->stop_ || chunk < self->wanted_ + kChunksAhead;
    }
  };

  void Walk(AuditReader& reader, int walker) {
    for (int64_t chunk = walker;; chunk += kWalkers) {
      {
        absl::MutexLock lock(&mu_);
        const Turn turn{this, chunk};
        mu_.Await(absl::Condition(&turn, &Turn::Come));
        if (stop_) return;
      }
      Chunk c;
      absl::Status s = reader.ForEach(
          1 + chunk * kChunk, [&](v1::AuditEntry& e) {
            c.entries.push_back(HashEntry(e));
            return static_cast<int64_t>(c.entries.size()) < kChunk;
          });
      const bool last = static_cast<int64_t>(c.entries.size()) < kChunk;
      c.last = last;
      absl::MutexLock lock(&mu_);
      if (!s.ok()) {
        if (error_.ok()) error_ = s;
        return;
      }
      ready_.emplace(chunk, std::move(c));
      if (last) return;
    }
  }

  bool WantedIsReady() const ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return !error_.ok() || ready_.count(wanted_) > 0;
  }

  absl::Mutex mu_;
  std::map<int64_t, Chunk> ready_ ABSL_GUARDED_BY(mu_);
  int64_t wanted_ ABSL_GUARDED_BY(mu_) = 0;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

absl::Status AuditRpc::ListPage(const v1::AuditFilter& filter,
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

grpc::ServerUnaryReactor* AuditRpc::ListAuditEntries(
    grpc::CallbackServerContext* context,
    const v1::ListAuditEntriesRequest* request,
    v1::ListAuditEntriesResponse* response) {
  return runner_.Unary(context, absl::StrCat(kService, "ListAuditEntries"), *request, response,
               [=](ResolvedCall&, AuditRecord&) {
                 return ListPage(request->filter(), request->page_size(),
                                 request->page_token(), response);
               });
}

grpc::ServerUnaryReactor* AuditRpc::GetAccessLog(
    grpc::CallbackServerContext* context,
    const v1::GetAccessLogRequest* request,
    v1::ListAuditEntriesResponse* response) {
  return runner_.Unary(context, absl::StrCat(kService, "GetAccessLog"), *request, response,
               [=](ResolvedCall& call, AuditRecord& audit) {
    absl::StatusOr<std::string> id = ReferralIdFromName(request->name());
    if (!id.ok()) return id.status();
    audit.referral_id = *id;
    // Only for a referral in the caller's scope.
    absl::StatusOr<Referral> r = referrals_.Get(call.context, *id);
    if (!r.ok()) return r.status();
    v1::AuditFilter filter;
    filter.set_referral(request->name());
    return ListPage(filter, request->page_size(), request->page_token(),
                    response);
  });
}

absl::StatusOr<v1::VerifyAuditLogResponse> AuditRpc::Verify() {
  absl::StatusOr<std::vector<v1::AuditCheckpoint>> checkpoints =
      ReadCheckpointFile(checkpoint_file_);
  if (!checkpoints.ok()) return checkpoints.status();
  ChainVerifier verifier(*std::move(checkpoints), key_);
  // One at a time: each walk takes two read connections and both cores.
  absl::MutexLock one_at_a_time(&verify_mu_);
  absl::Status walked = ParallelVerification().Run(reader_, verifier);
  if (!walked.ok()) return walked;
  return verifier.Finish();
}

grpc::ServerUnaryReactor* AuditRpc::VerifyAuditLog(
    grpc::CallbackServerContext* context,
    const v1::VerifyAuditLogRequest* request,
    v1::VerifyAuditLogResponse* response) {
  return runner_.Unary(context, absl::StrCat(kService, "VerifyAuditLog"), *request, response,
               [=](ResolvedCall&, AuditRecord&) {
                 absl::StatusOr<v1::VerifyAuditLogResponse> result = Verify();
                 if (!result.ok()) return result.status();
                 *response = *std::move(result);
                 return absl::OkStatus();
               });
}

grpc::ServerWriteReactor<v1::AuditExportItem>* AuditRpc::ExportAuditLog(
    grpc::CallbackServerContext* context,
    const v1::ExportAuditLogRequest* request) {
  return runner_.OpenStream(
      context, absl::StrCat(kService, "ExportAuditLog"), *request,
      [](const ResolvedCall&) { return absl::OkStatus(); },
      new ExportReactor(reader_, checkpoint_file_, runner_.pool(),
                        request->from_sequence()));
}

grpc::ServerUnaryReactor* AuditRpc::BreakGlass(
    grpc::CallbackServerContext* context, const v1::BreakGlassRequest* request,
    v1::Referral* response) {
  return runner_.Unary(context, absl::StrCat(kService, "BreakGlass"), *request, response,
               [=](ResolvedCall& call, AuditRecord& audit) {
    std::vector<FieldViolation> bad;
    absl::StatusOr<std::string> id = ReferralIdFromName(request->name());
    if (!id.ok()) bad = FieldViolations(id.status());
    const std::string reason(absl::StripAsciiWhitespace(request->reason()));
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
    audit.view = "break-glass: all fields";
    std::fprintf(stderr,
                 "safeguardd: BREAK-GLASS read, recorded in the audit log "
                 "(request %s)\n",
                 audit.request_id.c_str());
    return absl::OkStatus();
  });
}

}  // namespace safeguard
