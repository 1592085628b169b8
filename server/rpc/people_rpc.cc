#include "server/rpc/people_rpc.h"

#include "server/rpc/grpc_adapter.h"

namespace safeguard {

#define SAFEGUARD_UNARY(Method, Request, Response)                        \
  grpc::ServerUnaryReactor* PeopleRpc::Method(                            \
      grpc::CallbackServerContext* context, const v1::Request* request,   \
      v1::Response* response) {                                           \
    return ServeUnary(context, api_.Get("safeguard.v1.People/" #Method),  \
                      *request, response);                                \
  }

SAFEGUARD_UNARY(SearchPeople, SearchPeopleRequest, SearchPeopleResponse)
SAFEGUARD_UNARY(GetPerson, GetPersonRequest, PersonRecord)
SAFEGUARD_UNARY(MergePeople, MergePeopleRequest, PersonRecord)
SAFEGUARD_UNARY(UnmergePerson, UnmergePersonRequest, PersonRecord)
SAFEGUARD_UNARY(RejectMatch, RejectMatchRequest, PersonRecord)

#undef SAFEGUARD_UNARY

}  // namespace safeguard
