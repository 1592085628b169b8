#include "server/common/sha256.h"

#include <memory>

#include "absl/strings/escaping.h"
#include "openssl/evp.h"

namespace safeguard {

std::string Sha256(std::initializer_list<absl::string_view> parts) {
  // The algorithm is fetched once and each thread keeps its context: OpenSSL
  // 3's per-call implicit fetch takes a lock and was most of the cost of
  // verifying a long audit log.
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  struct CtxFree {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  thread_local std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestInit_ex(ctx.get(), md, nullptr);
  for (absl::string_view part : parts) {
    EVP_DigestUpdate(ctx.get(), part.data(), part.size());
  }
  EVP_DigestFinal_ex(ctx.get(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string Sha256(absl::string_view bytes) { return Sha256({bytes}); }

std::string Sha256Hex(absl::string_view bytes) {
  return absl::BytesToHexString(Sha256(bytes));
}

}  // namespace safeguard
