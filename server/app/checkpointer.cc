#include "server/app/checkpointer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "server/common/log.h"
#include "server/convert/referral_convert.h"

namespace safeguard {
namespace {

absl::Status FileError(const std::string& path, absl::string_view what) {
  return absl::UnavailableError(
      absl::StrCat("checkpoint file ", path, ": ", what));
}

// Cuts the file at `path` back to `length` bytes, durably.
absl::Status TruncateFile(const std::string& path, int64_t length) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  bool ok = fd >= 0 && ftruncate(fd, length) == 0 && fsync(fd) == 0;
  const int error = errno;
  if (fd >= 0) close(fd);
  if (!ok) return FileError(path, std::strerror(error));
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckAgainstRecord(const std::string& path,
                                const CheckpointFileContents& file,
                                const CheckpointRecord& record) {
  if (!file.exists) {
    return absl::FailedPreconditionError(absl::StrCat(
        "checkpoint file ", path, " is missing, but the database recorded ",
        record.file_bytes, " bytes in it (a checkpoint of ", record.size,
        " entries); restore it from its shipped copy"));
  }
  const int64_t last = file.checkpoints.empty() ? 0 : file.checkpoints.back().size();
  if (file.good_bytes < record.file_bytes || last < record.size) {
    return absl::FailedPreconditionError(absl::StrCat(
        "checkpoint file ", path, " is behind the database's record: it has ",
        file.good_bytes, " bytes (checkpoints up to ", last,
        " entries), the database recorded ", record.file_bytes,
        " bytes (a checkpoint of ", record.size,
        " entries); restore it from its shipped copy"));
  }
  for (const v1::AuditCheckpoint& c : file.checkpoints) {
    if (c.size() == record.size && c.head() == record.head) {
      return absl::OkStatus();
    }
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "checkpoint file ", path, " does not hold the checkpoint of ",
      record.size, " entries that the database recorded; it was replaced"));
}


absl::Status Checkpointer::Start() {
  absl::StatusOr<CheckpointFileContents> file =
      ReadCheckpointFileContents(path_);
  if (!file.ok()) return file.status();
  if (file->torn_line != 0) {
    // An append cut short by a full disk or a crash: never signed whole.
    absl::Status cut = TruncateFile(path_, file->good_bytes);
    if (!cut.ok()) return cut;
    Log(LogLevel::kWarning, "checkpoint_torn_line_removed",
        absl::StrCat("checkpoint file ", path_,
                     ": removed its torn last line (line ", file->torn_line,
                     ", ", file->file_bytes - file->good_bytes, " bytes)"));
  }
  absl::StatusOr<std::optional<CheckpointRecord>> record = records_.Last();
  if (!record.ok()) return record.status();
  if (record->has_value()) {
    absl::Status matches = CheckAgainstRecord(path_, *file, **record);
    if (!matches.ok()) return matches;
  }
  absl::StatusOr<AuditHead> head = reader_.Head();
  if (!head.ok()) return head.status();
  {
    absl::MutexLock lock(&mu_);
    last_size_ = file->checkpoints.empty() ? 0 : file->checkpoints.back().size();
    last_time_ = clock_.Now();
    if (last_size_ > head->size) {
      // The database holds fewer entries than were signed: restored from an
      // older copy, or cut. VerifyAuditLog reports it; say so now too.
      Log(LogLevel::kWarning, "audit_log_behind_checkpoints",
          absl::StrCat("WARNING: the audit log has ", head->size,
                       " entries but checkpoint file ", path_, " signed ",
                       last_size_));
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
    Log(LogLevel::kError, "checkpoint_failed",
        absl::StrCat("final audit checkpoint failed: ",
                     final_checkpoint.message()));
  }
}

absl::StatusOr<int64_t> Checkpointer::Append(const std::string& line) {
  int fd = open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return FileError(path_, std::strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0) {
    const int error = errno;
    close(fd);
    return FileError(path_, std::strerror(error));
  }
  size_t written = 0;
  int error = 0;
  while (written < line.size() && error == 0) {
    ssize_t n = write(fd, line.data() + written, line.size() - written);
    if (n > 0) {
      written += static_cast<size_t>(n);
    } else if (n == 0 || errno != EINTR) {
      error = n == 0 ? ENOSPC : errno;
    }
  }
  if (error == 0 && fsync(fd) != 0) error = errno;
  if (error == 0) {
    close(fd);
    return static_cast<int64_t>(st.st_size) + static_cast<int64_t>(line.size());
  }
  // A full disk, or a failed sync: a torn line would make the file
  // unreadable after it, so it is cut back to where it was.
  const bool restored = ftruncate(fd, st.st_size) == 0 && fsync(fd) == 0;
  close(fd);
  return FileError(path_,
                   absl::StrCat("cannot be written (", std::strerror(error),
                                restored ? "); the partial line was removed"
                                         : "); the partial line remains"));
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
  absl::StatusOr<int64_t> file_bytes = Append(FormatCheckpointLine(c) + "\n");
  if (!file_bytes.ok()) return file_bytes.status();
  last_size_ = head->size;
  last_time_ = now;
  // After the file is synced: a crash before this leaves the file ahead.
  absl::Status recorded = records_.Save({c.size(), c.head(), *file_bytes});
  if (!recorded.ok()) {
    return absl::Status(
        recorded.code(),
        absl::StrCat("checkpoint appended, but not recorded in the database: ",
                     recorded.message()));
  }
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
    // Said once when checkpoints start failing (a full disk would repeat it
    // four times a second), and once when they work again.
    absl::Status s = CheckpointNow();
    if (!s.ok() && !failing_) {
      Log(LogLevel::kError, "checkpoint_failed",
          absl::StrCat("audit checkpoint failed: ", s.message()));
    } else if (s.ok() && failing_) {
      Log(LogLevel::kInfo, "checkpoints_resumed", "audit checkpoints resumed");
    }
    failing_ = !s.ok();
  }
}

}  // namespace safeguard
