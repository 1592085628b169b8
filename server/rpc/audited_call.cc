#include "server/rpc/audited_call.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "openssl/rand.h"

namespace safeguard {

std::string RequestIdOf(const grpc::ServerContextBase& context) {
  auto it = context.client_metadata().find("x-request-id");
  if (it != context.client_metadata().end()) {
    absl::string_view id(it->second.data(), it->second.size());
    bool ok = !id.empty() && id.size() <= 64;
    for (char c : id) {
      if (!absl::ascii_isalnum(c) && c != '.' && c != '_' && c != '-') ok = false;
    }
    if (ok) return std::string(id);
  }
  // Unique without a CSPRNG draw per call: a random prefix for this process
  // and a counter.
  static const std::string* const prefix = [] {
    unsigned char bytes[8];
    if (RAND_bytes(bytes, sizeof(bytes)) != 1) std::abort();
    return new std::string(absl::BytesToHexString(absl::string_view(
        reinterpret_cast<const char*>(bytes), sizeof(bytes))));
  }();
  static std::atomic<uint64_t> next{0};
  return absl::StrCat(*prefix, "-", absl::Hex(next.fetch_add(1)));
}

AuditRecord BaseAuditRecord(const grpc::ServerContextBase& context,
                            const CallerIdentity* caller,
                            absl::string_view method, absl::string_view rule,
                            RoleSet roles, absl::Time now) {
  AuditRecord r;
  r.time = now;
  if (caller != nullptr) {
    r.agency = caller->agency;
    r.principal = caller->principal;
    r.certificate_sha256 = caller->certificate_sha256;
  }
  r.roles = roles.ToString();
  r.rule = std::string(rule);
  r.method = std::string(method);
  r.request_id = RequestIdOf(context);
  return r;
}

absl::Status FinishAudited(AuditLog& log, AuditRecord& audit,
                           const absl::Status& status,
                           google::protobuf::Message* response) {
  if (audit.committed) return status;
  audit.code = static_cast<int>(status.code());
  if (!status.ok()) audit.view.clear();  // nothing was disclosed
  absl::Status written = log.Append(audit);
  if (written.ok()) return status;
  // The entry may name internals; the log line carries no case content.
  std::fprintf(stderr, "safeguardd: audit entry not written, call refused: %s\n",
               std::string(written.message()).c_str());
  if (response != nullptr) response->Clear();
  return absl::UnavailableError("the server cannot record this call now");
}

}  // namespace safeguard
