#include "server/http/https_server.h"

#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdio>
#include <deque>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "httplib.h"
#include "server/http/listen.h"
#include "openssl/err.h"
#include "openssl/pem.h"
#include "openssl/ssl.h"
#include "openssl/x509.h"
#include "openssl/x509_vfy.h"
#include "server/http/connect_codec.h"

namespace safeguard::http {
namespace {

using google::protobuf::Message;
using httplib::DataSink;
using httplib::Request;
using httplib::Response;
using HandlerResponse = httplib::Server::HandlerResponse;

// How often a waiting stream looks at its client's socket and at shutdown.
constexpr absl::Duration kPollInterval = absl::Milliseconds(200);

// A body declared at most this many times the limit is read and dropped
// before the refusal; a larger one is refused unread.
constexpr uint64_t kDrainFactor = 4;

// The headers every answer carries, whatever produced it.
constexpr std::pair<const char*, const char*> kSecurityHeaders[] = {
    {"Cache-Control", "no-store"},
    {"Content-Security-Policy",
     "default-src 'self'; object-src 'none'; base-uri 'none'; "
     "frame-ancestors 'none'; form-action 'self'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Frame-Options", "DENY"},
    {"Strict-Transport-Security", "max-age=31536000"},
};

// httplib's task queue with a fixed number of threads and a bound on the
// connections waiting for one: when that many wait, enqueue() (the accept
// loop) blocks, so further clients wait in the kernel's listen backlog.
class BoundedTaskQueue final : public httplib::TaskQueue {
 public:
  BoundedTaskQueue(int threads, size_t max_waiting)
      : max_waiting_(max_waiting) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
  }
  ~BoundedTaskQueue() override { shutdown(); }

  void enqueue(std::function<void()> fn) override {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &BoundedTaskQueue::HasRoom));
    jobs_.push_back(std::move(fn));
  }

  // Runs the jobs already queued, then joins the threads.
  void shutdown() override {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    for (std::thread& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  bool HasRoom() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return jobs_.size() < max_waiting_;
  }
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !jobs_.empty() || stopping_;
  }

  void Work() {
    for (;;) {
      std::function<void()> job;
      {
        absl::MutexLock lock(&mu_);
        mu_.Await(absl::Condition(this, &BoundedTaskQueue::HasWorkOrStopping));
        if (jobs_.empty()) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }

  const size_t max_waiting_;
  absl::Mutex mu_;
  std::deque<std::function<void()>> jobs_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof(buf));
  return buf;
}

}  // namespace

// The server's certificate chain and key, as one pair.
struct Identity {
  X509* cert = nullptr;
  STACK_OF(X509)* chain = nullptr;  // the certificates after the first
  EVP_PKEY* key = nullptr;
  ~Identity() {
    X509_free(cert);
    sk_X509_pop_free(chain, X509_free);
    EVP_PKEY_free(key);
  }
};

// What the TLS callbacks reach, as the SSL_CTX's app data: the identity in
// use (replaced by ReloadIdentity) and the peer check. Thread-safe.
class TlsState {
 public:
  explicit TlsState(std::function<absl::Status(const X509*)> check)
      : check_(std::move(check)) {}

  // Reads and checks the pair; it replaces the one in use only if good.
  absl::Status Load(const std::string& cert_file, const std::string& key_file) {
    ERR_clear_error();  // errors below are this load's
    auto id = std::make_shared<Identity>();
    auto fail = [&](absl::string_view what, const std::string& path,
                    absl::string_view problem) {
      return absl::FailedPreconditionError(absl::StrCat(
          what, " ", path, ": ", problem, " (", OpenSslError(), ")"));
    };
    if (FILE* f = std::fopen(cert_file.c_str(), "r"); f != nullptr) {
      id->cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
      id->chain = sk_X509_new_null();
      while (X509* more = PEM_read_X509(f, nullptr, nullptr, nullptr)) {
        sk_X509_push(id->chain, more);
      }
      std::fclose(f);
      ERR_clear_error();  // the end of the chain reads as an error
    }
    if (id->cert == nullptr) {
      return fail("certificate file", cert_file,
                  "cannot be read as a PEM certificate chain");
    }
    if (FILE* f = std::fopen(key_file.c_str(), "r"); f != nullptr) {
      id->key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
      std::fclose(f);
    }
    if (id->key == nullptr) {
      return fail("private key file", key_file,
                  "cannot be read as an unencrypted PEM private key");
    }
    if (X509_check_private_key(id->cert, id->key) != 1) {
      return fail("private key file", key_file,
                  absl::StrCat("does not match the certificate in ", cert_file));
    }
    ERR_clear_error();
    absl::MutexLock lock(&mu_);
    identity_ = std::move(id);
    return absl::OkStatus();
  }

  std::shared_ptr<const Identity> identity() const {
    absl::MutexLock lock(&mu_);
    return identity_;
  }

  absl::Status Check(const X509* cert) const {
    return check_ ? check_(cert) : absl::OkStatus();
  }

 private:
  const std::function<absl::Status(const X509*)> check_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const Identity> identity_ ABSL_GUARDED_BY(mu_);
};

namespace {

// Each handshake presents the identity in use at its start.
int UseCurrentIdentity(SSL* ssl, void* arg) {
  std::shared_ptr<const Identity> id = static_cast<TlsState*>(arg)->identity();
  if (id == nullptr) return 0;
  // Only this pair: a pair of another key type loaded before would
  // otherwise stay selectable.
  SSL_certs_clear(ssl);
  return SSL_use_certificate(ssl, id->cert) == 1 &&
                 SSL_use_PrivateKey(ssl, id->key) == 1 &&
                 SSL_set1_chain(ssl, id->chain) == 1
             ? 1
             : 0;
}

// After OpenSSL's own check of each certificate of the client's chain
// (the trust anchor included), the revocation check.
int CheckPeerCertificate(int preverified, X509_STORE_CTX* store) {
  if (preverified != 1) return 0;
  auto* ssl = static_cast<SSL*>(
      X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  if (ssl == nullptr) return 0;
  const auto* state =
      static_cast<const TlsState*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
  X509* cert = X509_STORE_CTX_get_current_cert(store);
  if (state == nullptr || cert == nullptr) return 0;
  if (!state->Check(cert).ok()) {
    X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REVOKED);
    return 0;
  }
  return 1;
}

// Fills the server's SSL_CTX: TLS 1.2 or newer; its certificate from
// `state`, chosen again for each handshake (so a reloaded pair is used from
// the next connection on); client certificates required, verified against
// the CA file, then checked by `state` (revocation) for every certificate
// of the chain. No session resumption, so every connection's client
// certificate is verified afresh.
bool SetUpTls(SSL_CTX& ctx, const ConnectServerOptions& o, TlsState& state,
              std::string* error) {
  auto fail = [&](absl::string_view what, const std::string& path,
                  absl::string_view problem) {
    *error = absl::StrCat(what, " ", path, ": ", problem, " (", OpenSslError(),
                          ")");
    return false;
  };
  SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                SSL_OP_NO_TICKET |
                                SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_session_cache_mode(&ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(&ctx, 0);
  absl::Status loaded = state.Load(o.cert_file, o.key_file);
  if (!loaded.ok()) {
    *error = std::string(loaded.message());
    return false;
  }
  std::shared_ptr<const Identity> id = state.identity();
  if (SSL_CTX_use_certificate(&ctx, id->cert) != 1 ||
      SSL_CTX_use_PrivateKey(&ctx, id->key) != 1) {
    return fail("certificate file", o.cert_file, "cannot be used");
  }
  SSL_CTX_set_app_data(&ctx, &state);
  SSL_CTX_set_cert_cb(&ctx, UseCurrentIdentity, &state);
  if (SSL_CTX_load_verify_locations(&ctx, o.client_ca_file.c_str(), nullptr) !=
      1) {
    return fail("CA file", o.client_ca_file, "cannot be read as PEM certificates");
  }
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(o.client_ca_file.c_str());
  if (names == nullptr) {
    return fail("CA file", o.client_ca_file, "holds no PEM certificate");
  }
  SSL_CTX_set_client_CA_list(&ctx, names);
  SSL_CTX_set_purpose(&ctx, X509_PURPOSE_SSL_CLIENT);
  SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                     CheckPeerCertificate);
  ERR_clear_error();
  return true;
}

// The verified client certificate of the connection, in PEM; empty if none.
std::string PeerCertificatePem(const SSL* ssl) {
  if (ssl == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return "";
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (cert == nullptr) return "";
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return "";
  std::string pem;
  if (PEM_write_bio_X509(bio, cert) == 1) {
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    if (len > 0) pem.assign(data, static_cast<size_t>(len));
  }
  BIO_free(bio);
  return pem;
}

// The client's socket, for noticing that it went away.
class PeerWatch {
 public:
  explicit PeerWatch(int fd) : fd_(fd) {}

  // True once the client has closed its side of the connection (or it
  // broke). Safe from any thread until Finish(); false after it.
  bool Gone() {
    absl::MutexLock lock(&mu_);
    if (finished_ || fd_ < 0) return false;
    pollfd p{fd_, POLLIN | POLLRDHUP, 0};
    if (poll(&p, 1, 0) <= 0) return false;
    if ((p.revents & (POLLERR | POLLHUP | POLLRDHUP | POLLNVAL)) != 0) {
      return true;
    }
    if ((p.revents & POLLIN) != 0) {
      char c;
      return recv(fd_, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
    }
    return false;
  }

  // The call is over: the socket may be closed and its number reused.
  void Finish() {
    absl::MutexLock lock(&mu_);
    finished_ = true;
  }

 private:
  absl::Mutex mu_;
  const int fd_;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

int SocketOf(const Request& req) {
  return req.ssl != nullptr ? SSL_get_fd(req.ssl) : -1;
}

bool HasBody(const Request& req) {
  return (req.has_header("Content-Length") &&
          req.get_header_value("Content-Length") != "0") ||
         req.has_header("Transfer-Encoding");
}

void AnswerPlain(const Request& req, Response& res, int status,
                 absl::string_view text) {
  res.status = status;
  res.set_content(absl::StrCat(text, "\n"), "text/plain; charset=utf-8");
  // An unread body would be read as the next request: ask for a close.
  if (HasBody(req)) res.set_header("Connection", "close");
}

// Sets `bytes` as the body and keeps `ticket` until the answer is written
// (the Response, and so the releaser, is destroyed after writing).
void SetBody(Response& res, std::string bytes, const std::string& type,
             CallTicket ticket) {
  auto held = std::make_shared<CallTicket>(std::move(ticket));
  auto data = std::make_shared<std::string>(std::move(bytes));
  auto release = [held](bool) { held->Release(); };
  if (!data->empty()) {
    // A fixed length: httplib never compresses these.
    res.set_content_provider(
        data->size(), type,
        [data](size_t offset, size_t length, DataSink& sink) {
          return sink.write(data->data() + offset, length);
        },
        release);
  } else {
    res.set_chunked_content_provider(
        type,
        [](size_t, DataSink& sink) {
          sink.done();
          return true;
        },
        release);
  }
}

// A refusal or failure in Connect's form: for a unary call, the error JSON
// with its HTTP status; for a stream, 200 and an end-of-stream frame.
void AnswerError(Response& res, ContentType type, const absl::Status& status,
                 CallTicket ticket = CallTicket()) {
  if (type.streaming) {
    res.status = 200;
    SetBody(res, EncodeEnvelope(kFlagEndStream, EndStreamJson(status)),
            ContentTypeName(type), std::move(ticket));
  } else {
    res.status = HttpStatusForCode(status.code());
    SetBody(res, ErrorJson(status), "application/json", std::move(ticket));
  }
}

const char* StaticContentType(absl::string_view path) {
  static constexpr std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".txt", "text/plain; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
  };
  for (const auto& [ext, type] : kTypes) {
    if (absl::EndsWith(path, ext)) return type;
  }
  return "application/octet-stream";
}

// A request path that may name a static file: segments of [A-Za-z0-9._-],
// none empty or starting with a dot (so no "..", no hidden files).
bool IsSafeStaticPath(absl::string_view path) {
  if (!absl::ConsumePrefix(&path, "/")) return false;
  for (absl::string_view segment : absl::StrSplit(path, '/')) {
    if (segment.empty() || segment[0] == '.') return false;
    for (char c : segment) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' &&
          c != '_' && c != '-') {
        return false;
      }
    }
  }
  return true;
}

// Whether an Accept-Encoding header admits gzip: it names gzip (or x-gzip)
// with a q-value other than 0. A wildcard does not count.
bool AcceptsGzip(absl::string_view accept_encoding) {
  for (absl::string_view item : absl::StrSplit(accept_encoding, ',')) {
    std::vector<absl::string_view> parts = absl::StrSplit(item, ';');
    const absl::string_view coding = absl::StripAsciiWhitespace(parts[0]);
    if (!absl::EqualsIgnoreCase(coding, "gzip") &&
        !absl::EqualsIgnoreCase(coding, "x-gzip")) {
      continue;
    }
    bool refused = false;
    for (size_t i = 1; i < parts.size(); ++i) {
      absl::string_view param = absl::StripAsciiWhitespace(parts[i]);
      double q = 1;
      if ((absl::ConsumePrefix(&param, "q=") ||
           absl::ConsumePrefix(&param, "Q=")) &&
          absl::SimpleAtod(param, &q) && q <= 0) {
        refused = true;
      }
    }
    if (!refused) return true;
  }
  return false;
}

// Sets `bytes` as the body with a fixed length, which httplib sends as it
// is (it compresses only a body set whole).
void SetFixedBody(Response& res, std::string bytes, const char* type) {
  if (bytes.empty()) {
    res.set_content(std::string(), type);  // nothing to compress
    return;
  }
  auto data = std::make_shared<std::string>(std::move(bytes));
  res.set_content_provider(
      data->size(), type,
      [data](size_t offset, size_t length, DataSink& sink) {
        return sink.write(data->data() + offset, length);
      });
}

// The transport's side of one stream: the StreamSink the session calls,
// and what the connection's thread needs to write the stream. Every call
// into the session (OnWritten, Cancel) and its destruction happen on the
// connection's thread.
class StreamCall final : public StreamSink {
 public:
  StreamCall(ContentType type, std::shared_ptr<PeerWatch> peer,
             std::function<void()> on_destroy)
      : type_(type), peer_(std::move(peer)), on_destroy_(std::move(on_destroy)) {}
  ~StreamCall() override {
    Finish();
    peer_->Finish();
    on_destroy_();
  }

  // StreamSink
  void Live() override {
    absl::MutexLock lock(&mu_);
    live_ = true;
  }
  void Write(const Message& message) override {
    absl::StatusOr<std::string> encoded = EncodeMessage(type_.codec, message);
    absl::MutexLock lock(&mu_);
    if (closed_) return;
    pending_.push_back(encoded.ok() ? std::optional<std::string>(EncodeEnvelope(
                                          0, *encoded))
                                    : std::nullopt);
  }
  void Close(const absl::Status& status) override {
    absl::MutexLock lock(&mu_);
    if (closed_) return;
    closed_ = true;
    close_status_ = status;
  }

  void Open(const ApiMethod& method, InboundCall call,
            std::unique_ptr<Message> request) {
    request_ = std::move(request);
    method.open(std::move(call), *request_, this, &session_);
    if (session_ == nullptr) {
      Close(absl::InternalError("the stream could not be opened"));
    }
  }

  // Waits until the session has said Live or Close, cancelling it if the
  // client goes away or the server shuts down meanwhile. True if live.
  bool WaitLive(const std::atomic<bool>& shutting_down) {
    for (;;) {
      {
        absl::MutexLock lock(&mu_);
        mu_.AwaitWithTimeout(absl::Condition(this, &StreamCall::LiveOrClosed),
                             kPollInterval);
        if (closed_ && !live_) return false;
        if (live_) return true;
      }
      CheckClientAndShutdown(shutting_down);
    }
  }

  // What a stream's content provider does on each call: waits a while for
  // a message or the close, and writes it. False to end the response
  // because the client is gone.
  bool Provide(DataSink& sink, const std::atomic<bool>& shutting_down) {
    if (shutting_down.load()) {
      CancelOnce(absl::UnavailableError("the server is shutting down"));
    }
    std::optional<std::optional<std::string>> next;
    bool closed = false;
    absl::Status final_status;
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(this, &StreamCall::HasNews),
                           kPollInterval);
      if (!pending_.empty()) {
        next = std::move(pending_.front());
        pending_.pop_front();
      } else if (closed_) {
        closed = true;
        final_status = cancel_status_.value_or(close_status_);
      }
    }
    if (next.has_value()) {
      bool ok = next->has_value() && sink.write((*next)->data(), (*next)->size());
      if (!next->has_value()) {
        cancel_status_ = absl::InternalError("a message could not be encoded");
      }
      if (!IsClosed()) session_->OnWritten(ok);
      if (!next->has_value()) {
        CancelOnce(*cancel_status_);
        return true;
      }
      return ok;
    }
    if (closed) {
      std::string end = EncodeEnvelope(kFlagEndStream, EndStreamJson(final_status));
      if (!sink.write(end.data(), end.size())) return false;
      sink.done();
      return true;
    }
    return CheckClientAndShutdown(shutting_down);
  }

  // When the response is over (written, or the client gone): the session is
  // cancelled unless it has closed, and destroyed once it has.
  void Finish() {
    if (session_ == nullptr) return;
    if (!IsClosed()) CancelOnce(absl::CancelledError("the client went away"));
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(&closed_));
    }
    session_.reset();
  }

  // The status a stream that never went live ends with.
  absl::Status EndStatus() {
    absl::MutexLock lock(&mu_);
    return cancel_status_.value_or(close_status_);
  }

 private:
  bool LiveOrClosed() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return live_ || closed_;
  }
  bool HasNews() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !pending_.empty() || closed_;
  }
  bool IsClosed() {
    absl::MutexLock lock(&mu_);
    return closed_;
  }

  // False if the client is gone (the session is cancelled); cancels the
  // session with UNAVAILABLE if the server is shutting down.
  bool CheckClientAndShutdown(const std::atomic<bool>& shutting_down) {
    if (peer_->Gone()) {
      CancelOnce(absl::CancelledError("the client went away"));
      return false;
    }
    if (shutting_down.load()) {
      CancelOnce(absl::UnavailableError("the server is shutting down"));
    }
    return true;
  }

  void CancelOnce(const absl::Status& why) {
    if (cancelled_) return;
    cancelled_ = true;
    if (!cancel_status_.has_value()) cancel_status_ = why;
    session_->Cancel();
  }

  const ContentType type_;
  const std::shared_ptr<PeerWatch> peer_;
  const std::function<void()> on_destroy_;
  std::unique_ptr<Message> request_;
  std::unique_ptr<StreamSession> session_;
  // The connection's thread only:
  bool cancelled_ = false;
  std::optional<absl::Status> cancel_status_;

  absl::Mutex mu_;
  bool live_ ABSL_GUARDED_BY(mu_) = false;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status close_status_ ABSL_GUARDED_BY(mu_);
  // Enveloped messages to write; nullopt for one that could not be encoded.
  std::deque<std::optional<std::string>> pending_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

class ConnectServer::Impl {
 public:
  Impl(const ConnectServerOptions& options,
       absl::flat_hash_map<std::string, const ApiMethod*> routes)
      : options_(options), routes_(std::move(routes)) {}

  ~Impl() { Shutdown(); }

  absl::Status Start() {
    std::string tls_error;
    server_ = std::make_unique<httplib::SSLServer>(
        [this, &tls_error](SSL_CTX& ctx) {
          return SetUpTls(ctx, options_, tls_, &tls_error);
        });
    if (!server_->is_valid()) {
      return absl::FailedPreconditionError(
          tls_error.empty() ? "the TLS context could not be made" : tls_error);
    }
    if (!options_.static_dir.empty()) {
      char resolved[PATH_MAX];
      if (realpath(options_.static_dir.c_str(), resolved) == nullptr) {
        return absl::FailedPreconditionError(
            absl::StrCat("static folder ", options_.static_dir, ": not found"));
      }
      static_root_ = resolved;
    }

    const int threads = options_.threads;
    const size_t waiting = options_.max_waiting_connections;
    server_->new_task_queue = [threads, waiting] {
      return new BoundedTaskQueue(threads, waiting);
    };
    auto seconds = [](absl::Duration d) {
      return static_cast<time_t>(absl::ToInt64Seconds(d));
    };
    auto micros = [](absl::Duration d) {
      return static_cast<time_t>(
          absl::ToInt64Microseconds(d - absl::Trunc(d, absl::Seconds(1))));
    };
    server_->set_read_timeout(seconds(options_.read_timeout),
                              micros(options_.read_timeout));
    server_->set_write_timeout(seconds(options_.write_timeout),
                               micros(options_.write_timeout));
    server_->set_keep_alive_timeout(
        std::max<time_t>(1, seconds(options_.keep_alive_timeout)));
    server_->set_keep_alive_max_count(
        static_cast<size_t>(options_.keep_alive_max_requests));
    server_->set_payload_max_length(options_.max_request_bytes);
    // An answer is written as its headers and then its body: without
    // TCP_NODELAY, Nagle's algorithm holds the body back until the client
    // acknowledges the headers, which a delayed ACK puts off by up to 40 ms.
    server_->set_tcp_nodelay(true);
    server_->set_pre_routing_handler(
        [this](const Request& req, Response& res) { return PreRoute(req, res); });
    server_->Post(".*", [this](const Request& req, Response& res,
                               const httplib::ContentReader& reader) {
      HandleCall(req, res, reader);
    });
    server_->set_post_routing_handler([](const Request&, Response& res) {
      for (const auto& [name, value] : kSecurityHeaders) {
        // A static file (it has a validator) keeps its own Cache-Control.
        if (absl::string_view(name) == "Cache-Control" &&
            res.has_header("ETag")) {
          continue;
        }
        res.headers.erase(name);
        res.headers.emplace(name, value);
      }
    });

    absl::StatusOr<int> port =
        ListenOn(*server_, options_.listen_address, "HTTPS", listen_thread_);
    if (!port.ok()) return port.status();
    port_ = *port;
    return absl::OkStatus();
  }

  int port() const { return port_; }

  absl::Status ReloadIdentity() {
    return tls_.Load(options_.cert_file, options_.key_file);
  }

  void Shutdown() {
    {
      absl::MutexLock lock(&streams_mu_);
      if (shutting_down_.exchange(true)) return;
      // Open streams notice within kPollInterval, cancel their sessions and
      // end with unavailable.
      streams_mu_.Await(absl::Condition(
          +[](int* n) { return *n == 0; }, &open_streams_));
    }
    if (server_ != nullptr) server_->stop();
    if (listen_thread_.joinable()) listen_thread_.join();
  }

 private:
  std::string OwnOrigin(const Request& req) const {
    if (!options_.origin.empty()) return options_.origin;
    return absl::StrCat("https://", req.get_header_value("Host"));
  }

  // Every request comes here first, before any body is read: all but a
  // well-formed call to a known method is answered here.
  HandlerResponse PreRoute(const Request& req, Response& res) {
    if (req.has_header("Origin") &&
        req.get_header_value("Origin") != OwnOrigin(req)) {
      AnswerPlain(req, res, 403, "cross-origin requests are refused");
      return HandlerResponse::Handled;
    }
    if (req.has_header("Range")) {
      AnswerPlain(req, res, 416, "ranges are not served");
      return HandlerResponse::Handled;
    }
    auto route = routes_.find(req.path);
    if (route == routes_.end()) {
      if (req.method == "GET" || req.method == "HEAD") {
        ServeStatic(req, res);
      } else if (req.method == "POST") {
        AnswerPlain(req, res, 404, "not found");
      } else {
        AnswerPlain(req, res, 405, "method not allowed");
      }
      return HandlerResponse::Handled;
    }
    if (req.method != "POST") {
      AnswerPlain(req, res, 405, "method not allowed");
      res.set_header("Allow", "POST");
      return HandlerResponse::Handled;
    }
    const bool streaming = route->second->open != nullptr;
    std::optional<ContentType> type =
        ParseContentType(req.get_header_value("Content-Type"));
    if (!type.has_value() || type->streaming != streaming) {
      AnswerPlain(req, res, 415, "unsupported content type");
      res.set_header("Accept-Post", streaming ? "application/connect+json, "
                                                "application/connect+proto"
                                              : "application/json, "
                                                "application/proto");
      return HandlerResponse::Handled;
    }
    absl::Status refusal = CheckHeaders(req);
    if (!refusal.ok()) {
      AnswerError(res, *type, refusal);
      if (HasBody(req)) res.set_header("Connection", "close");
      return HandlerResponse::Handled;
    }
    return HandlerResponse::Unhandled;  // on to HandleCall
  }

  // The Connect headers of a call to a known method.
  absl::Status CheckHeaders(const Request& req) const {
    if (shutting_down_.load()) {
      return absl::UnavailableError("the server is shutting down");
    }
    if (req.get_header_value("Connect-Protocol-Version") != "1") {
      return absl::InvalidArgumentError(
          "the Connect-Protocol-Version header must be 1");
    }
    for (const char* header : {"Content-Encoding", "Connect-Content-Encoding"}) {
      const std::string encoding = req.get_header_value(header);
      if (!encoding.empty() && encoding != "identity") {
        return absl::UnimplementedError(
            absl::StrCat("the supported ", header, " is identity"));
      }
    }
    absl::StatusOr<std::optional<absl::Duration>> timeout =
        ParseTimeoutHeader(req.get_header_value("Connect-Timeout-Ms"));
    if (!timeout.ok()) return timeout.status();
    if (req.has_header("Content-Length")) {
      uint64_t length = 0;
      if (!absl::SimpleAtoi(req.get_header_value("Content-Length"), &length)) {
        return absl::InvalidArgumentError("the Content-Length is not a number");
      }
      (void)length;  // bounded in HandleCall
    }
    return absl::OkStatus();
  }

  absl::Status TooLarge() const {
    return absl::ResourceExhaustedError(absl::StrCat(
        "requests are at most ", options_.max_request_bytes, " bytes"));
  }

  // A call that PreRoute let through: reads the body and runs the method.
  void HandleCall(const Request& req, Response& res,
                  const httplib::ContentReader& reader) {
    const ApiMethod& method = *routes_.at(req.path);
    const ContentType type =
        *ParseContentType(req.get_header_value("Content-Type"));
    // A body declared too large is refused before it is read; one up to
    // kDrainFactor times the limit is read and dropped first, so that the
    // client, still sending it, gets the answer rather than a reset.
    uint64_t declared = 0;
    if (absl::SimpleAtoi(req.get_header_value("Content-Length"), &declared) &&
        declared > options_.max_request_bytes) {
      if (declared <= kDrainFactor * options_.max_request_bytes) {
        reader([](const char*, size_t) { return true; });
      } else {
        res.set_header("Connection", "close");
      }
      AnswerError(res, type, TooLarge());
      return;
    }
    std::string body;
    bool too_large = false;
    const bool read = reader([&](const char* data, size_t n) {
      if (body.size() + n > options_.max_request_bytes) {
        too_large = true;
        return false;
      }
      body.append(data, n);
      return true;
    });
    if (too_large || !read) {
      AnswerError(res, type,
                  too_large ? TooLarge()
                            : absl::InvalidArgumentError(
                                  "the request body could not be read"));
      res.set_header("Connection", "close");
      return;
    }

    absl::string_view message_bytes = body;
    std::string unwrapped;
    if (type.streaming) {
      absl::StatusOr<std::string> inner = ParseRequestEnvelope(body);
      if (!inner.ok()) {
        AnswerError(res, type, inner.status());
        return;
      }
      unwrapped = *std::move(inner);
      message_bytes = unwrapped;
    }
    const google::protobuf::MethodDescriptor& descriptor = *method.descriptor;
    auto* factory = google::protobuf::MessageFactory::generated_factory();
    std::unique_ptr<Message> request(
        factory->GetPrototype(descriptor.input_type())->New());
    absl::Status decoded = DecodeMessage(type.codec, message_bytes, request.get());
    if (!decoded.ok()) {
      AnswerError(res, type, decoded);
      return;
    }

    auto peer = std::make_shared<PeerWatch>(SocketOf(req));
    InboundCall call;
    call.method = absl::StrCat(descriptor.service()->full_name(), "/",
                               descriptor.name());
    call.peer_certificate_pem = PeerCertificatePem(req.ssl);
    call.request_id_hint = req.get_header_value("X-Request-Id");
    absl::StatusOr<std::optional<absl::Duration>> timeout =
        ParseTimeoutHeader(req.get_header_value("Connect-Timeout-Ms"));
    if (timeout.ok() && timeout->has_value()) {
      call.deadline = absl::Now() + **timeout;
    }
    call.cancelled = [peer] { return peer->Gone(); };

    if (type.streaming) {
      RunStream(method, type, std::move(call), std::move(request), peer, res);
    } else {
      RunUnary(method, type, std::move(call), std::move(request), *peer, res);
    }
  }

  void RunUnary(const ApiMethod& method, ContentType type, InboundCall call,
                std::unique_ptr<Message> request, PeerWatch& peer,
                Response& res) {
    struct Outcome {
      absl::Notification done;
      absl::Status status;
      CallTicket ticket;
    };
    auto outcome = std::make_shared<Outcome>();
    auto* factory = google::protobuf::MessageFactory::generated_factory();
    std::unique_ptr<Message> response(
        factory->GetPrototype(method.descriptor->output_type())->New());
    method.unary(std::move(call), *request, response.get(),
                 [outcome](absl::Status status, CallTicket ticket) {
                   outcome->status = std::move(status);
                   outcome->ticket = std::move(ticket);
                   outcome->done.Notify();
                 });
    outcome->done.WaitForNotification();
    peer.Finish();
    if (!outcome->status.ok()) {
      AnswerError(res, type, outcome->status, std::move(outcome->ticket));
      return;
    }
    absl::StatusOr<std::string> encoded = EncodeMessage(type.codec, *response);
    if (!encoded.ok()) {
      AnswerError(res, type, encoded.status(), std::move(outcome->ticket));
      return;
    }
    res.status = 200;
    SetBody(res, *std::move(encoded), ContentTypeName(type),
            std::move(outcome->ticket));
  }

  void RunStream(const ApiMethod& method, ContentType type, InboundCall call,
                 std::unique_ptr<Message> request,
                 std::shared_ptr<PeerWatch> peer, Response& res) {
    {
      absl::MutexLock lock(&streams_mu_);
      if (shutting_down_.load()) {
        AnswerError(res, type,
                    absl::UnavailableError("the server is shutting down"));
        return;
      }
      if (open_streams_ >= options_.max_streams) {
        AnswerError(res, type,
                    absl::ResourceExhaustedError("too many open streams"));
        return;
      }
      ++open_streams_;
    }
    auto stream = std::make_shared<StreamCall>(type, std::move(peer), [this] {
      absl::MutexLock lock(&streams_mu_);
      --open_streams_;
    });
    stream->Open(method, std::move(call), std::move(request));
    if (!stream->WaitLive(shutting_down_)) {
      // Closed before it was live: a refusal, or a failure to start.
      absl::Status end = stream->EndStatus();
      stream->Finish();
      AnswerError(res, type, end);
      return;
    }
    res.status = 200;
    res.set_header("Safeguard-Watch", "live");
    res.set_chunked_content_provider(
        ContentTypeName(type),
        [this, stream](size_t, DataSink& sink) {
          return stream->Provide(sink, shutting_down_);
        },
        [stream](bool) { stream->Finish(); });
  }

  // The real path of the static file at `path` (a URL path), if it is a
  // safe path naming a regular file inside the root of at most
  // max_static_file_bytes.
  std::optional<std::string> StaticFile(const std::string& path) const {
    if (static_root_.empty() || !IsSafeStaticPath(path)) return std::nullopt;
    char resolved[PATH_MAX];
    const std::string wanted = static_root_ + path;
    struct stat st;
    if (realpath(wanted.c_str(), resolved) == nullptr ||
        !absl::StartsWith(resolved, static_root_ + "/") ||
        stat(resolved, &st) != 0 || !S_ISREG(st.st_mode) ||
        static_cast<size_t>(st.st_size) > options_.max_static_file_bytes) {
      return std::nullopt;
    }
    return std::string(resolved);
  }

  // A static file: `/` is /index.html. When the client accepts gzip and
  // `<file>.gz` is a static file too, that is sent instead, with
  // Content-Encoding: gzip and the original's Content-Type. Either is sent
  // as stored, never compressed on the fly.
  void ServeStatic(const Request& req, Response& res) {
    const std::string path = req.path == "/" ? "/index.html" : req.path;
    std::optional<std::string> file = StaticFile(path);
    if (!file.has_value()) {
      AnswerPlain(req, res, 404, "not found");
      return;
    }
    std::optional<std::string> gzipped;
    if (AcceptsGzip(req.get_header_value("Accept-Encoding"))) {
      gzipped = StaticFile(path + ".gz");
    }
    const std::string& chosen = gzipped.value_or(*file);
    struct stat st;
    if (stat(chosen.c_str(), &st) != 0) {
      AnswerPlain(req, res, 404, "not found");
      return;
    }
    // The console's files hold no personal data: the browser may keep
    // them, but asks each time (no-cache) whether they changed, by a
    // validator made from the file's identity, size and age. Files under
    // /assets/ are named by their content (the console's build does so),
    // so a changed file is a new name: those are kept without asking.
    const std::string etag = absl::StrCat(
        "\"", absl::Hex(st.st_ino), "-", absl::Hex(st.st_size), "-",
        absl::Hex(st.st_mtim.tv_sec), ".", absl::Hex(st.st_mtim.tv_nsec),
        gzipped.has_value() ? "-gz" : "", "\"");
    res.set_header("ETag", etag);
    res.set_header("Cache-Control",
                   absl::StartsWith(path, "/assets/")
                       ? "public, max-age=31536000, immutable"
                       : "no-cache");
    res.set_header("Vary", "Accept-Encoding");
    if (HasBody(req)) res.set_header("Connection", "close");
    for (absl::string_view tag :
         absl::StrSplit(req.get_header_value("If-None-Match"), ',')) {
      tag = absl::StripAsciiWhitespace(tag);
      absl::ConsumePrefix(&tag, "W/");  // If-None-Match compares weakly
      if (tag == etag || tag == "*") {
        res.status = 304;
        return;
      }
    }
    std::ifstream in(chosen, std::ios::binary);
    std::stringstream data;
    data << in.rdbuf();
    if (!in) {
      res.headers.erase("ETag");
      AnswerPlain(req, res, 404, "not found");
      return;
    }
    res.status = 200;
    SetFixedBody(res, data.str(), StaticContentType(path));
    if (gzipped.has_value()) res.set_header("Content-Encoding", "gzip");
  }

  const ConnectServerOptions options_;
  TlsState tls_{options_.check_peer_certificate};
  const absl::flat_hash_map<std::string, const ApiMethod*> routes_;
  std::string static_root_;  // realpath of options_.static_dir, or empty
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread listen_thread_;
  int port_ = -1;

  std::atomic<bool> shutting_down_{false};
  absl::Mutex streams_mu_;
  int open_streams_ ABSL_GUARDED_BY(streams_mu_) = 0;
};

absl::StatusOr<std::unique_ptr<ConnectServer>> ConnectServer::Start(
    const ConnectServerOptions& options,
    const std::vector<const ApiMethod*>& methods) {
  if (options.threads < 2 || options.max_streams < 1 ||
      options.max_streams >= options.threads ||
      options.max_waiting_connections < 1 || options.max_request_bytes < 1 ||
      options.keep_alive_max_requests < 1) {
    return absl::InvalidArgumentError(
        "HTTPS options: threads must be at least 2 and more than max_streams "
        "(at least 1), and the other limits at least 1");
  }
  absl::flat_hash_map<std::string, const ApiMethod*> routes;
  for (const ApiMethod* method : methods) {
    if (method == nullptr || method->descriptor == nullptr ||
        (method->unary == nullptr) == (method->open == nullptr) ||
        method->descriptor->client_streaming() ||
        method->descriptor->server_streaming() != (method->open != nullptr)) {
      return absl::InvalidArgumentError(
          "every HTTPS method needs a descriptor and exactly one of unary or "
          "open, as the method streams");
    }
    const std::string path =
        absl::StrCat("/", method->descriptor->service()->full_name(), "/",
                     method->descriptor->name());
    if (!routes.emplace(path, method).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("HTTPS method ", path, " is given twice"));
    }
  }
  auto impl = std::make_unique<Impl>(options, std::move(routes));
  absl::Status started = impl->Start();
  if (!started.ok()) return started;
  return std::unique_ptr<ConnectServer>(new ConnectServer(std::move(impl)));
}

ConnectServer::ConnectServer(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

ConnectServer::~ConnectServer() { Shutdown(); }

int ConnectServer::port() const { return impl_->port(); }

void ConnectServer::Shutdown() { impl_->Shutdown(); }

absl::Status ConnectServer::ReloadIdentity() { return impl_->ReloadIdentity(); }

}  // namespace safeguard::http
