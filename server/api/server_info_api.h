// File: server/api/server_info_api.h
//
// The safeguard.v1.ServerInfo method: who the caller is, as the server saw
// it, and what is serving. `gate` and `service` must outlive the method.
#ifndef SAFEGUARD_SERVER_API_SERVER_INFO_API_H_
#define SAFEGUARD_SERVER_API_SERVER_INFO_API_H_

#include "server/access/access_gate.h"
#include "server/api/api_method.h"
#include "server/core/server_info_service.h"

namespace safeguard {

ApiMethod ServerInfoMethod(AccessGate& gate, ServerInfoService& service);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_API_SERVER_INFO_API_H_
