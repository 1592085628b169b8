// File: server/rpc/people_rpc.h
//
// PeopleRpc: the safeguard.v1.People service for gRPC. Each handler hands
// its call to the API's method (server/api/people_api.h) through the gRPC
// adapter; nothing is decided here.
//
// Does not own `api`, which must outlive the gRPC server.
#ifndef SAFEGUARD_SERVER_RPC_PEOPLE_RPC_H_
#define SAFEGUARD_SERVER_RPC_PEOPLE_RPC_H_

#include "safeguard/v1/people.grpc.pb.h"
#include "server/api/api_methods.h"

namespace safeguard {

class PeopleRpc final : public v1::People::CallbackService {
 public:
  explicit PeopleRpc(const ApiMethods& api) : api_(api) {}

#define SAFEGUARD_UNARY(Method, Request, Response)             \
  grpc::ServerUnaryReactor* Method(                            \
      grpc::CallbackServerContext* context,                    \
      const v1::Request* request, v1::Response* response) override;
  SAFEGUARD_UNARY(SearchPeople, SearchPeopleRequest, SearchPeopleResponse)
  SAFEGUARD_UNARY(GetPerson, GetPersonRequest, PersonRecord)
  SAFEGUARD_UNARY(MergePeople, MergePeopleRequest, PersonRecord)
  SAFEGUARD_UNARY(UnmergePerson, UnmergePersonRequest, PersonRecord)
  SAFEGUARD_UNARY(RejectMatch, RejectMatchRequest, PersonRecord)
#undef SAFEGUARD_UNARY

 private:
  const ApiMethods& api_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_RPC_PEOPLE_RPC_H_
