// File: client/report_format.h
//
// A safeguard.v1.Report as safeguardctl prints it: CSV laid out as the
// console's download is (what the report is, then each table after a
// blank line: its title, a header row, its rows, how it is counted; every
// figure as the server displays it, so a suppressed one reads "fewer than
// 5"; text a spreadsheet would run as a formula kept as text), or aligned
// text. Pure functions.
#ifndef SAFEGUARD_CLIENT_REPORT_FORMAT_H_
#define SAFEGUARD_CLIENT_REPORT_FORMAT_H_

#include <string>

#include "safeguard/v1/reports.pb.h"

namespace safeguard {

std::string ReportCsv(const v1::Report& report);
std::string ReportText(const v1::Report& report);

}  // namespace safeguard

#endif  // SAFEGUARD_CLIENT_REPORT_FORMAT_H_
