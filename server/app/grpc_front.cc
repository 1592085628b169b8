#include "server/app/grpc_front.h"

#include <dlfcn.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/grpc.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/server_builder.h"
#include "server/core/status_macros.h"

namespace safeguard {
namespace {

constexpr int kMaxRequestBytes = 1 << 20;
constexpr int kMaxResponseBytes = 4 << 20;
constexpr size_t kGrpcMemoryBytes = size_t{512} << 20;

// gRPC's reflection library registers its server plugin from a static
// initializer, so merely linking it would serve reflection from every
// server. It is loaded only when reflection is asked for.
absl::Status LoadReflectionPlugin() {
  constexpr char kLibrary[] = "libgrpc++_reflection.so.1.51";
  if (dlopen(kLibrary, RTLD_NOW | RTLD_GLOBAL) == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("server reflection is not available: ", kLibrary,
                     " cannot be loaded"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<GrpcFront>> GrpcFront::Start(
    const ServerConfig& config,
    std::shared_ptr<grpc::ServerCredentials> credentials, const ApiMethods& api) {
  std::unique_ptr<GrpcFront> front(new GrpcFront(api));
  grpc::EnableDefaultHealthCheckService(true);
  if (config.enable_reflection()) {
    SAFEGUARD_RETURN_IF_ERROR(LoadReflectionPlugin());
  }
  grpc::ServerBuilder builder;
  // Without this, Linux lets a second server bind the same port silently.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // A referral is a few kilobytes. A request is parsed before its caller is
  // refused, so bound what any caller can make the server parse.
  builder.SetMaxReceiveMessageSize(kMaxRequestBytes);
  // A queue page is at most 2 MiB (ListReferrals stops early past that).
  builder.SetMaxSendMessageSize(kMaxResponseBytes);
  // What one connection may hold open, and for how long: a client that
  // vanishes is found by keepalive; a connection is closed after
  // kMaxConnectionAge (its calls get a grace period), so that no stream
  // lives on a connection forever; the memory gRPC may use is bounded.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, 100);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20 * 1000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             10 * 1000);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, 15 * 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, 60 * 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, 60 * 1000);
  grpc::ResourceQuota quota("safeguardd");
  quota.Resize(kGrpcMemoryBytes);
  builder.SetResourceQuota(quota);
  builder.AddListeningPort(config.listen_address(), std::move(credentials),
                           &front->port_);
  builder.RegisterService(&front->info_);
  builder.RegisterService(&front->referrals_);
  builder.RegisterService(&front->meetings_);
  builder.RegisterService(&front->people_);
  builder.RegisterService(&front->reports_);
  builder.RegisterService(&front->audit_);
  front->server_ = builder.BuildAndStart();
  if (front->server_ == nullptr || front->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", config.listen_address(),
                     " (address in use, or not permitted)"));
  }
  return front;
}

void GrpcFront::SetServing(bool serving) {
  server_->GetHealthCheckService()->SetServingStatus(serving);
}

void GrpcFront::Stop() {
  // Cancelled reactors still finish through the pool before this returns.
  server_->Shutdown(absl::ToChronoTime(absl::Now()));
  server_->Wait();
}

}  // namespace safeguard
