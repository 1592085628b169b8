#include "server/app/tls_reloader.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/common/log.h"

namespace safeguard {
namespace {

std::string StatText(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return absl::StrCat(path, " -;");
  return absl::StrCat(path, " ", st.st_size, " ", st.st_mtim.tv_sec, ".",
                      st.st_mtim.tv_nsec, " ", st.st_ino, ";");
}

// Names, sizes, times and inodes of the folder's files: any change shows.
std::string FolderFingerprint(const std::string& dir) {
  std::vector<std::string> entries;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    entries.push_back(StatText(entry.path().string()));
  }
  std::sort(entries.begin(), entries.end());
  std::string out = error ? "unreadable" : "";
  for (const std::string& e : entries) out += e;
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<TlsReloader>> TlsReloader::Create(Options options) {
  std::unique_ptr<TlsReloader> reloader(new TlsReloader(std::move(options)));
  absl::MutexLock lock(&reloader->mu_);
  reloader->identity_seen_ = StatText(reloader->options_.cert_file) +
                             StatText(reloader->options_.key_file);
  if (!reloader->options_.crl_dir.empty()) {
    reloader->crl_seen_ = FolderFingerprint(reloader->options_.crl_dir);
    absl::StatusOr<std::shared_ptr<const RevocationSet>> set =
        RevocationSet::Load(reloader->options_.crl_dir, reloader->options_.ca_pem);
    if (!set.ok()) return set.status();
    absl::MutexLock set_lock(&reloader->set_mu_);
    reloader->set_ = *std::move(set);
  }
  return reloader;
}

void TlsReloader::Start(OnRevocations on_revocations, OnIdentity on_identity) {
  on_revocations_ = std::move(on_revocations);
  on_identity_ = std::move(on_identity);
  thread_ = std::thread([this] { Run(); });
}

void TlsReloader::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const RevocationSet> TlsReloader::current() const {
  absl::MutexLock lock(&set_mu_);
  return set_;
}

absl::Status TlsReloader::Check(const X509* cert) const {
  std::shared_ptr<const RevocationSet> set = current();
  return set == nullptr ? absl::OkStatus() : set->Check(cert, absl::Now());
}

bool TlsReloader::Revoked(const CallerIdentity& caller) const {
  std::shared_ptr<const RevocationSet> set = current();
  return set != nullptr &&
         set->Revoked(caller.certificate_issuer, caller.certificate_serial);
}

absl::Status TlsReloader::Reload(bool force) {
  // A SIGHUP and the timer at once must not leave the older set in force.
  absl::MutexLock reloading(&reload_mu_);
  absl::Status first;
  std::string crl_now, identity_now;
  bool crl_changed = false, identity_changed = false;
  {
    absl::MutexLock lock(&mu_);
    if (!options_.crl_dir.empty()) {
      crl_now = FolderFingerprint(options_.crl_dir);
      crl_changed = force || crl_now != crl_seen_;
    }
    identity_now = StatText(options_.cert_file) + StatText(options_.key_file);
    identity_changed = force || identity_now != identity_seen_;
  }
  if (crl_changed) {
    absl::StatusOr<std::shared_ptr<const RevocationSet>> set =
        RevocationSet::Load(options_.crl_dir, options_.ca_pem);
    if (set.ok()) {
      {
        absl::MutexLock lock(&set_mu_);
        set_ = *set;
      }
      Log(LogLevel::kInfo, "crls_reloaded",
          absl::StrCat("CRLs reloaded from ", options_.crl_dir, ": ",
                       (*set)->size(), " certificates revoked"),
          {{"revoked", static_cast<long long>((*set)->size())}});
      if (on_revocations_) on_revocations_(**set);
    } else {
      Log(LogLevel::kError, "crl_reload_refused",
          absl::StrCat("CRL reload refused, the previous CRLs stay in force: ",
                       set.status().message()));
      first = set.status();
    }
    // Said once per change, not at every look.
    absl::MutexLock lock(&mu_);
    crl_seen_ = crl_now;
  }
  if (identity_changed && on_identity_) {
    absl::Status loaded = on_identity_();
    if (loaded.ok()) {
      Log(LogLevel::kInfo, "identity_reloaded",
          absl::StrCat("server certificate reloaded from ", options_.cert_file));
    } else {
      Log(LogLevel::kError, "identity_reload_refused",
          absl::StrCat("server certificate reload refused, the previous one "
                       "stays in use: ",
                       loaded.message()));
      if (first.ok()) first = loaded;
    }
    absl::MutexLock lock(&mu_);
    identity_seen_ = identity_now;
  }
  return first;
}

void TlsReloader::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.interval)) {
        return;
      }
    }
    Reload(/*force=*/false).IgnoreError();  // logged
  }
}

}  // namespace safeguard
