#include "server/app/checkpointer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "server/convert/referral_convert.h"

namespace safeguard {

absl::Status Checkpointer::Start() {
  absl::StatusOr<std::vector<v1::AuditCheckpoint>> existing =
      ReadCheckpointFile(path_);
  if (!existing.ok()) return existing.status();
  absl::StatusOr<AuditHead> head = reader_.Head();
  if (!head.ok()) return head.status();
  {
    absl::MutexLock lock(&mu_);
    last_size_ = existing->empty() ? 0 : existing->back().size();
    last_time_ = clock_.Now();
    if (last_size_ > head->size) {
      // The database holds fewer entries than were signed: restored from an
      // older copy, or cut. VerifyAuditLog reports it; say so now too.
      std::fprintf(stderr,
                   "safeguardd: WARNING: the audit log has %lld entries but "
                   "checkpoint file %s signed %lld\n",
                   static_cast<long long>(head->size), path_.c_str(),
                   static_cast<long long>(last_size_));
    }
  }
  started_ = true;
  thread_ = std::thread([this] { Run(); });
  return absl::OkStatus();
}

void Checkpointer::Stop() {
  if (!started_) return;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  thread_.join();
  absl::Status final_checkpoint = CheckpointNow();
  if (!final_checkpoint.ok()) {
    std::fprintf(stderr, "safeguardd: final audit checkpoint failed: %s\n",
                 std::string(final_checkpoint.message()).c_str());
  }
}

absl::Status Checkpointer::CheckpointNow() {
  absl::StatusOr<AuditHead> head = reader_.Head();
  if (!head.ok()) return head.status();
  absl::MutexLock lock(&mu_);
  if (head->size <= last_size_) return absl::OkStatus();
  v1::AuditCheckpoint c;
  c.set_size(head->size);
  c.set_head(head->chain);
  const absl::Time now = clock_.Now();
  c.mutable_time()->set_seconds(absl::ToUnixSeconds(now));
  c.set_signature(signer_.Sign(
      CheckpointMessage(c.size(), c.head(), c.time().seconds())));
  const std::string line = FormatCheckpointLine(c) + "\n";
  int fd = open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::UnavailableError(absl::StrCat(
        "checkpoint file ", path_, ": ", std::strerror(errno)));
  }
  bool ok = write(fd, line.data(), line.size()) ==
                static_cast<ssize_t>(line.size()) &&
            fsync(fd) == 0;
  close(fd);
  if (!ok) {
    return absl::UnavailableError(
        absl::StrCat("checkpoint file ", path_, ": cannot be written"));
  }
  last_size_ = head->size;
  last_time_ = now;
  return absl::OkStatus();
}

void Checkpointer::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping_),
                               absl::Milliseconds(250))) {
        return;
      }
    }
    absl::StatusOr<AuditHead> head = reader_.Head();
    if (!head.ok()) continue;
    bool due = false;
    {
      absl::MutexLock lock(&mu_);
      due = head->size - last_size_ >= every_entries_ ||
            (head->size > last_size_ && clock_.Now() - last_time_ >= every_);
    }
    if (!due) continue;
    absl::Status s = CheckpointNow();
    if (!s.ok()) {
      std::fprintf(stderr, "safeguardd: audit checkpoint failed: %s\n",
                   std::string(s.message()).c_str());
    }
  }
}

}  // namespace safeguard
