// File: server/storage/report_facts_format.h
//
// The stored form of a referral's ReportFacts (server/core/reports/
// report_facts.h) in report_facts.facts, written for a report to read a
// million of them quickly: a format byte (1), then unsigned LEB128
// varints and length-prefixed strings:
//   flags (1 child, 2 repeat), nature, exploitation bits, children,
//   measures installed bits, the victim's age band, sex, ethnic group,
//   disability and LGBT+ numbers, referring agency, nationality, scheme,
//   the number of states reached, then for each: its StateCode
//   (report_facts.h) and the seconds from receipt to reaching it,
//   zigzag-coded.
// What the row's own columns hold (the referral id, when it was received
// and ended, its kind and area) is not repeated here. Times are kept to
// the second.
//
// Pure functions; thread-safe.
#ifndef SAFEGUARD_SERVER_STORAGE_REPORT_FACTS_FORMAT_H_
#define SAFEGUARD_SERVER_STORAGE_REPORT_FACTS_FORMAT_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/core/reports/report_facts.h"

namespace safeguard {

std::string EncodeReportFacts(const ReportFacts& facts);

// Fills what the encoding holds into `out`, whose other fields (id,
// received, ended, kind, area) the caller sets; `out.received` must be set
// first, the times being relative to it. Reuses `out`'s storage.
// kDataLoss if `bytes` is not such an encoding.
absl::Status DecodeReportFacts(absl::string_view bytes, ReportFacts& out);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_REPORT_FACTS_FORMAT_H_
