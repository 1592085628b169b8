// File: server/core/reports/report_table.h
//
// The tables a report publishes, and the builders that make them from
// counts and cases with small numbers suppressed (suppression.h):
//
//   CountGrid   counts by row and column, with the totals it shows; every
//               count is suppressed as Suppress() decides.
//   AddStatRow  a row of a "cases, median, 90th percentile" table: the
//               cases count suppressed when small, the statistics when from
//               fewer cases than the threshold.
//   AddShareColumn  a share (a rate in percent) beside a grid's counts,
//               suppressed when SuppressRate says, or when either of its
//               counts is.
//
// A report built with `suppress` false (the unsuppressed report) shows
// every figure. Value types and pure functions; thread-compatible.
#ifndef SAFEGUARD_SERVER_CORE_REPORTS_REPORT_TABLE_H_
#define SAFEGUARD_SERVER_CORE_REPORTS_REPORT_TABLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/core/reports/suppression.h"

namespace safeguard {

// Why a figure is not shown; numbered as safeguard.v1.CellStatus.
enum class FigureStatus {
  kShown = 1,
  kFewerThanThreshold = 2,
  kSuppressed = 3,
  kTooFewCases = 4,
  kNotAvailable = 5,
};

enum class FigureUnit { kCount, kPercent, kDays, kPer10000 };

struct Figure {
  FigureStatus status = FigureStatus::kShown;
  double value = 0;  // meaningful only when shown
};

struct TableColumn {
  std::string label;
  FigureUnit unit = FigureUnit::kCount;
  bool total = false;
};

struct TableRow {
  std::string label;
  std::vector<Figure> cells;
  bool total = false;
};

struct ReportTable {
  std::string id;
  std::string title;
  std::string row_header;
  std::vector<TableColumn> columns;
  std::vector<TableRow> rows;
  std::string note;
  std::string chart;  // "line", "bar" or ""
};

// How figures are decided in one report.
struct FigureRules {
  bool suppress = true;
  SuppressionPolicy policy;
};

// The figure as a reader sees it: "12", "fewer than 5", "suppressed",
// "too few cases", "not available", "41.7%", "3.5".
std::string DisplayFigure(const Figure& figure, FigureUnit unit,
                          const SuppressionPolicy& policy);

// Counts by row and column. Rows and columns are labelled; `counts` is
// rows x columns. The totals shown are a "Total" column and row.
struct CountGrid {
  std::vector<std::string> row_labels;
  std::vector<std::string> column_labels;
  std::vector<std::vector<int64_t>> counts;
  bool row_totals = false;
  bool column_totals = false;

  CountGrid(std::vector<std::string> rows, std::vector<std::string> columns);
  void Add(int row, int column, int64_t n = 1) { counts[row][column] += n; }
};

// The grid decided under `rules` into `table`'s columns and rows (which it
// replaces). Shows the grand total where both totals are shown.
absl::Status FillCounts(const CountGrid& grid, const FigureRules& rules,
                        ReportTable& table);

// Appends a column with numerator / denominator per row (in percent), for
// rows whose two counts are at `numerator_column` and `denominator_column`
// of `table` (as FillCounts left them, a total column included).
// `numerators` and `denominators` are the true counts of each row.
void AddShareColumn(const std::string& label,
                    const std::vector<int64_t>& numerators,
                    const std::vector<int64_t>& denominators,
                    int numerator_column, int denominator_column,
                    const FigureRules& rules, ReportTable& table);

// The columns of a statistics table: cases, median, 90th percentile (in
// days); and one of its rows from `days`, one value a case.
std::vector<TableColumn> StatColumns();
TableRow StatRow(const std::string& label, std::vector<double> days,
                 const FigureRules& rules);

// The median (the mean of the middle two of an even number) and the 90th
// percentile (nearest rank) of `values`. REQUIRES: non-empty.
double Median(std::vector<double> values);
double Percentile90(std::vector<double> values);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_REPORTS_REPORT_TABLE_H_
