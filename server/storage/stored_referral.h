// File: server/storage/stored_referral.h
//
// A referral to and from its stored body, safeguard.storage.v1.StoredReferral
// (proto/safeguard/storage/v1/referral.proto): the store's own format, so
// that the API's messages may change without a stored body changing. An
// enumeration's number is kept as it is, even one this build does not name.
//
// Stateless functions; thread-safe.
#ifndef SAFEGUARD_SERVER_STORAGE_STORED_REFERRAL_H_
#define SAFEGUARD_SERVER_STORAGE_STORED_REFERRAL_H_

#include "safeguard/storage/v1/referral.pb.h"
#include "server/core/referral.h"

namespace safeguard {

void ToStored(const Referral& in, storage::v1::StoredReferral* out);
Referral FromStored(const storage::v1::StoredReferral& in);

// A MARAC victim's characteristics, as the referral's body and the report
// facts (report_facts_rows.h) keep them.
void ToStored(const VictimCharacteristics& in,
              storage::v1::VictimCharacteristics* out);
VictimCharacteristics FromStored(const storage::v1::VictimCharacteristics& in);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_STORED_REFERRAL_H_
