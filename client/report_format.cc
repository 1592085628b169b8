#include "client/report_format.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/printable.h"

namespace safeguard {
namespace {

// A CSV field: quoted when it holds a comma, quote or line break; text a
// spreadsheet would take as a formula (=, +, -, @ first, not a number) is
// kept as text with a leading apostrophe.
std::string Field(const std::string& s) {
  std::string safe = s;
  if (!s.empty() && std::strchr("=+-@\t\r", s[0]) != nullptr &&
      !(s[0] == '-' && s.size() > 1 && absl::ascii_isdigit(s[1]))) {
    safe = "'" + s;
  }
  if (safe.find_first_of(",\"\r\n") == std::string::npos) return safe;
  std::string out = "\"";
  for (char c : safe) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Line(const std::vector<std::string>& fields) {
  return absl::StrCat(
      absl::StrJoin(fields, ",",
                    [](std::string* to, const std::string& f) {
                      to->append(Field(f));
                    }),
      "\r\n");
}

std::string Date(const v1::Date& d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

std::string Period(const v1::Report& r) {
  return absl::StrCat(Date(r.start_date()), " to ", Date(r.end_date()));
}

std::string SmallNumbers(const v1::Report& r) {
  if (!r.suppressed()) {
    return "Not suppressed: every figure is shown, small numbers included. "
           "Not for publication.";
  }
  return absl::StrCat("A count from 1 to ", r.threshold() - 1,
                      r.zero_is_disclosive() ? " (or 0)" : "",
                      " is shown as \"fewer than ", r.threshold(),
                      "\", and a count from which one of those could be "
                      "worked out as \"suppressed\". A rate, median or "
                      "percentile from fewer than ",
                      r.threshold(), " cases is shown as \"too few cases\".");
}

// The table as rows of text: the header, then each row.
std::vector<std::vector<std::string>> Grid(const v1::ReportTable& t) {
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> header = {t.row_header()};
  for (const v1::ReportColumn& c : t.columns()) header.push_back(c.label());
  out.push_back(std::move(header));
  for (const v1::ReportRow& r : t.rows()) {
    std::vector<std::string> row = {r.label()};
    for (const v1::ReportCell& c : r.cells()) row.push_back(c.display());
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace

std::string ReportCsv(const v1::Report& report) {
  std::string out =
      absl::StrCat(Line({"Report", report.title()}),
                   Line({"Period", Period(report)}),
                   Line({"Area", report.area().empty() ? "The whole partnership"
                                                       : report.area()}),
                   Line({"Small numbers", SmallNumbers(report)}));
  for (const v1::ReportTable& t : report.tables()) {
    absl::StrAppend(&out, "\r\n", Line({t.title()}));
    for (const std::vector<std::string>& row : Grid(t)) {
      out += Line(row);
    }
    if (!t.note().empty()) out += Line({t.note()});
  }
  return out;
}

std::string ReportText(const v1::Report& report) {
  std::string out = absl::StrCat(
      report.title(), ", ", Period(report),
      report.area().empty() ? "" : absl::StrCat(", ", report.area()), "\n",
      SmallNumbers(report), "\n");
  for (const v1::ReportTable& t : report.tables()) {
    absl::StrAppend(&out, "\n", t.title(), "\n");
    // Labels (a nationality) are as referrers wrote them.
    std::vector<std::vector<std::string>> grid = Grid(t);
    for (auto& row : grid) {
      for (std::string& cell : row) cell = Printable(cell);
    }
    std::vector<size_t> width;
    for (const auto& row : grid) {
      width.resize(std::max(width.size(), row.size()), 0);
      for (size_t i = 0; i < row.size(); ++i) {
        width[i] = std::max(width[i], row[i].size());
      }
    }
    for (const auto& row : grid) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) {
        // The label column left-aligned, figures right-aligned.
        absl::StrAppend(&line, "  ",
                        i == 0 ? absl::StrFormat("%-*s", width[i], row[i])
                               : absl::StrFormat("%*s", width[i], row[i]));
      }
      absl::StrAppend(&out, line, "\n");
    }
    if (!t.note().empty()) absl::StrAppend(&out, "  ", t.note(), "\n");
  }
  return out;
}

}  // namespace safeguard
