#include "server/core/reports/report_table.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/core/status_macros.h"

namespace safeguard {
namespace {

Figure Decided(const DecidedCount& c, const FigureRules& rules) {
  if (!rules.suppress) return {FigureStatus::kShown, static_cast<double>(c.value)};
  switch (c.status) {
    case CellStatus::kShown:
      return {FigureStatus::kShown, static_cast<double>(c.value)};
    case CellStatus::kPrimary:
      return {FigureStatus::kFewerThanThreshold, 0};
    case CellStatus::kSecondary:
      return {FigureStatus::kSuppressed, 0};
  }
  return {FigureStatus::kSuppressed, 0};
}

Figure Count(int64_t n, const FigureRules& rules) {
  if (rules.suppress && IsSmallCount(n, rules.policy)) {
    return {FigureStatus::kFewerThanThreshold, 0};
  }
  return {FigureStatus::kShown, static_cast<double>(n)};
}

}  // namespace

std::string DisplayFigure(const Figure& figure, FigureUnit unit,
                          const SuppressionPolicy& policy) {
  switch (figure.status) {
    case FigureStatus::kShown:
      break;
    case FigureStatus::kFewerThanThreshold:
      return absl::StrCat("fewer than ", policy.threshold);
    case FigureStatus::kSuppressed:
      return "suppressed";
    case FigureStatus::kTooFewCases:
      return "too few cases";
    case FigureStatus::kNotAvailable:
      return "not available";
  }
  switch (unit) {
    case FigureUnit::kCount:
      return absl::StrCat(static_cast<int64_t>(std::llround(figure.value)));
    case FigureUnit::kPercent:
      return absl::StrFormat("%.1f%%", figure.value);
    case FigureUnit::kDays:
    case FigureUnit::kPer10000:
      return absl::StrFormat("%.1f", figure.value);
  }
  return "";
}

CountGrid::CountGrid(std::vector<std::string> rows,
                     std::vector<std::string> columns)
    : row_labels(std::move(rows)),
      column_labels(std::move(columns)),
      counts(row_labels.size(),
             std::vector<int64_t>(column_labels.size(), 0)) {}

absl::Status FillCounts(const CountGrid& grid, const FigureRules& rules,
                        ReportTable& table) {
  table.columns.clear();
  table.rows.clear();
  if (grid.row_labels.empty() || grid.column_labels.empty()) {
    return absl::OkStatus();  // nothing to count, nothing to suppress
  }
  CountTable counts;
  counts.cells = grid.counts;
  counts.row_totals = grid.row_totals;
  counts.column_totals = grid.column_totals;
  counts.grand_total = grid.row_totals && grid.column_totals;
  SAFEGUARD_ASSIGN_OR_RETURN(SuppressedTable decided,
                             Suppress(counts, rules.policy));
  for (const std::string& label : grid.column_labels) {
    table.columns.push_back({label, FigureUnit::kCount, false});
  }
  if (grid.row_totals) table.columns.push_back({"Total", FigureUnit::kCount, true});
  for (size_t r = 0; r < grid.row_labels.size(); ++r) {
    TableRow row{grid.row_labels[r], {}, false};
    for (const DecidedCount& c : decided.cells[r]) {
      row.cells.push_back(Decided(c, rules));
    }
    if (grid.row_totals) row.cells.push_back(Decided(decided.row_totals[r], rules));
    table.rows.push_back(std::move(row));
  }
  if (grid.column_totals) {
    TableRow row{"Total", {}, true};
    for (const DecidedCount& c : decided.column_totals) {
      row.cells.push_back(Decided(c, rules));
    }
    if (decided.grand_total.has_value()) {
      row.cells.push_back(Decided(*decided.grand_total, rules));
    }
    table.rows.push_back(std::move(row));
  }
  return absl::OkStatus();
}

void AddShareColumn(const std::string& label,
                    const std::vector<int64_t>& numerators,
                    const std::vector<int64_t>& denominators,
                    int numerator_column, int denominator_column,
                    const FigureRules& rules, ReportTable& table) {
  table.columns.push_back({label, FigureUnit::kPercent, false});
  for (size_t r = 0; r < table.rows.size(); ++r) {
    TableRow& row = table.rows[r];
    const int64_t num = r < numerators.size() ? numerators[r] : 0;
    const int64_t den = r < denominators.size() ? denominators[r] : 0;
    Figure share;
    if (den == 0) {
      share = {FigureStatus::kNotAvailable, 0};
    } else if (rules.suppress &&
               (SuppressRate(num, den, rules.policy) ||
                row.cells[numerator_column].status != FigureStatus::kShown ||
                row.cells[denominator_column].status != FigureStatus::kShown)) {
      share = {FigureStatus::kTooFewCases, 0};
    } else {
      share = {FigureStatus::kShown, 100.0 * static_cast<double>(num) /
                                         static_cast<double>(den)};
    }
    row.cells.push_back(share);
  }
}

std::vector<TableColumn> StatColumns() {
  return {{"Cases", FigureUnit::kCount, false},
          {"Median days", FigureUnit::kDays, false},
          {"90th percentile days", FigureUnit::kDays, false}};
}

TableRow StatRow(const std::string& label, std::vector<double> days,
                 const FigureRules& rules) {
  const int64_t cases = static_cast<int64_t>(days.size());
  TableRow row{label, {Count(cases, rules)}, false};
  if (days.empty()) {
    row.cells.push_back({FigureStatus::kNotAvailable, 0});
    row.cells.push_back({FigureStatus::kNotAvailable, 0});
  } else if (rules.suppress && SuppressStatistic(cases, rules.policy)) {
    row.cells.push_back({FigureStatus::kTooFewCases, 0});
    row.cells.push_back({FigureStatus::kTooFewCases, 0});
  } else {
    row.cells.push_back({FigureStatus::kShown, Median(days)});
    row.cells.push_back({FigureStatus::kShown, Percentile90(std::move(days))});
  }
  return row;
}

// Both select their values (linear time) rather than sort them: a year's
// decisions over a large store are hundreds of thousands of values.
double Median(std::vector<double> values) {
  const size_t n = values.size();
  const auto middle = values.begin() + n / 2;
  std::nth_element(values.begin(), middle, values.end());
  if (n % 2 == 1) return *middle;
  // The largest value below the middle one is the other of the two.
  return (*std::max_element(values.begin(), middle) + *middle) / 2;
}

double Percentile90(std::vector<double> values) {
  // Nearest rank: the ceil(0.9 n)-th smallest.
  const size_t rank = static_cast<size_t>(
      std::ceil(0.9 * static_cast<double>(values.size())));
  const auto at = values.begin() + (std::max<size_t>(rank, 1) - 1);
  std::nth_element(values.begin(), at, values.end());
  return *at;
}

}  // namespace safeguard
