// How safeguardctl writes a report (client/report_format.h): CSV quoting,
// text a spreadsheet would run as a formula kept as text, and control
// characters escaped on a terminal.
#include "client/report_format.h"

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace safeguard {
namespace {

v1::Report NationalityReport(const std::string& label) {
  v1::Report r;
  r.set_title("Modern slavery");
  r.mutable_start_date()->set_year(2026);
  r.mutable_start_date()->set_month(4);
  r.mutable_start_date()->set_day(1);
  r.mutable_end_date()->set_year(2027);
  r.mutable_end_date()->set_month(3);
  r.mutable_end_date()->set_day(31);
  r.set_suppressed(true);
  r.set_threshold(5);
  v1::ReportTable* t = r.add_tables();
  t->set_title("By nationality");
  t->set_row_header("Nationality");
  t->add_columns()->set_label("Adult");
  v1::ReportRow* row = t->add_rows();
  row->set_label(label);
  row->add_cells()->set_display("fewer than 5");
  return r;
}

TEST(ReportFormatTest, CsvFieldsAreQuotedAndFormulasKeptAsText) {
  const struct {
    const char* name;
    const char* label;
    const char* line;
  } cases[] = {
      {"plain", "Albanian", "Albanian,fewer than 5\r\n"},
      {"a comma", "Congo, Democratic Republic",
       "\"Congo, Democratic Republic\",fewer than 5\r\n"},
      {"a quote", "the \"other\" one", "\"the \"\"other\"\" one\",fewer than 5\r\n"},
      {"a formula", "=HYPERLINK(\"x\")",
       "\"'=HYPERLINK(\"\"x\"\")\",fewer than 5\r\n"},
      {"a plus", "+44", "'+44,fewer than 5\r\n"},
      {"an at", "@SUM(A1)", "'@SUM(A1),fewer than 5\r\n"},
      {"a negative number", "-3", "-3,fewer than 5\r\n"},
  };
  for (const auto& c : cases) {
    const std::string csv = ReportCsv(NationalityReport(c.label));
    EXPECT_TRUE(absl::EndsWith(csv, std::string("Nationality,Adult\r\n") + c.line))
        << c.name << ": " << csv;
  }
}

TEST(ReportFormatTest, CsvSaysWhatTheReportIs) {
  EXPECT_TRUE(absl::StartsWith(
      ReportCsv(NationalityReport("Albanian")),
      "Report,Modern slavery\r\n"
      "Period,2026-04-01 to 2027-03-31\r\n"
      "Area,The whole partnership\r\n"
      "Small numbers,\"A count from 1 to 4 is shown as \"\"fewer than 5\"\", "
      "and a count from which one of those could be worked out as "
      "\"\"suppressed\"\". A rate, median or percentile from fewer than 5 "
      "cases is shown as \"\"too few cases\"\".\"\r\n"
      "\r\n"
      "By nationality\r\n"));
}

TEST(ReportFormatTest, TextEscapesControlCharacters) {
  const std::string text = ReportText(NationalityReport("\x1b[31mred"));
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  EXPECT_NE(text.find("  \\x1b[31mred  fewer than 5\n"), std::string::npos)
      << text;
}

}  // namespace
}  // namespace safeguard
