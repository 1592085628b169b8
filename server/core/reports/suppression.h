// File: server/core/reports/suppression.h
//
// Small-number suppression for the tables a partnership report publishes.
//
// A CountTable is a grid of non-negative counts with, optionally, shown row
// totals, column totals and a grand total (the totals are computed here,
// never supplied). Suppress() decides, for every cell and every total,
// whether it is shown or suppressed, and why:
//
//   * Primary: a count from 1 to N-1 (N = SuppressionPolicy::threshold) is
//     suppressed; so is 0 when the policy says zero is disclosive. Totals are
//     counts too: a row total of 3 is suppressed like a cell of 3.
//   * Secondary: each shown total publishes one equation, "the total is the
//     sum of its parts":
//       - a row total:    the cells of its row;
//       - a column total: the cells of its column;
//       - the grand total: the row totals (when shown), the column totals
//         (when shown), and always all the cells.
//     An equation with exactly one suppressed member would give that member
//     away, so the smallest shown member of the equation (a cell before a
//     total on a tie, then the first in row-major order) is suppressed too.
//     Counts are never negative, so an equation whose total is shown and
//     whose suppressed parts add up to 0 gives them away as well (every one
//     is 0): it takes the smallest shown part that is not 0, or else its
//     total. Every equation is checked again after each suppression, until
//     none gives anything away. This ends: each step suppresses one more
//     member, and an equation that gives something away always has a shown
//     member left to take.
//
// The guarantee: in the table that Suppress() returns, no equation above
// has exactly one suppressed member, and none whose total is shown has
// suppressed parts that add up to 0; so no suppressed value can be worked
// out from what is shown by any one of them, and every primary count is
// suppressed. A table with no primary count has nothing suppressed.
//
// What it does not guarantee: values found by combining several equations
// (for example a cell that is the only link between two otherwise separate
// groups of suppressed cells), or bounds rather than values. A reader who
// knows which suppressed cells are primary knows each lies in 1..N-1 (or
// 0..N-1), and two primary cells adding up to 2 are then both 1; so the
// published table should mark every suppressed member alike and keep the
// reason (CellStatus) on the server.
//
// Rates and medians: SuppressStatistic() and SuppressRate() say whether a
// figure computed from a number of cases may be shown.
//
// Everything here is a pure function of its arguments, safe for concurrent
// use; nothing is retained.
//
// Example:
//   CountTable table;
//   table.cells = {{3, 8, 9, 12}};
//   table.row_totals = true;
//   absl::StatusOr<SuppressedTable> out = Suppress(table, SuppressionPolicy());
//   // out->cells[0]: 3 kPrimary, 8 kSecondary, 9 kShown, 12 kShown;
//   // out->row_totals[0]: 32 kShown.
#ifndef SAFEGUARD_SERVER_CORE_REPORTS_SUPPRESSION_H_
#define SAFEGUARD_SERVER_CORE_REPORTS_SUPPRESSION_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"

namespace safeguard {

// SuppressionPolicy: what counts as a small number. Set by the partnership's
// policy; by default 5, with zero shown.
struct SuppressionPolicy {
  // Counts from 1 to threshold - 1 are suppressed. REQUIRES: threshold >= 1
  // (1 suppresses no count from 1 up, only zeros when they are disclosive).
  int threshold = 5;
  // True if a count of 0 is itself disclosive (for example "no victims aged
  // 16 to 17" in a small area) and must be suppressed like 1..N-1.
  bool zero_is_disclosive = false;
};

// CountTable: the counts to publish, cells[row][column], every row the same
// length, at least one row and one column, every count >= 0. The flags say
// which totals the table shows; their values are computed by Suppress().
// A table showing both row and column totals must show the grand total too
// (it is the sum of either, so it cannot be hidden by leaving it out; it can
// be suppressed).
struct CountTable {
  std::vector<std::vector<int64_t>> cells;
  bool row_totals = false;
  bool column_totals = false;
  bool grand_total = false;
};

// CellStatus: whether a cell or total is shown and, if not, why.
enum class CellStatus {
  kShown,
  kPrimary,    // suppressed: itself a small count (or a disclosive zero)
  kSecondary,  // suppressed: so that a suppressed count cannot be worked out
};

inline bool IsSuppressed(CellStatus status) {
  return status != CellStatus::kShown;
}

// DecidedCount: one cell or total with its decision.
struct DecidedCount {
  int64_t value = 0;
  CellStatus status = CellStatus::kShown;
};

// SuppressedTable: the decision for every member of a CountTable. The value
// of a suppressed member is still here: the caller must not publish it.
struct SuppressedTable {
  std::vector<std::vector<DecidedCount>> cells;  // [row][column]
  std::vector<DecidedCount> row_totals;          // one a row, or empty
  std::vector<DecidedCount> column_totals;       // one a column, or empty
  std::optional<DecidedCount> grand_total;       // if the table shows it
};

// True if `count` is a primary-suppressed count under `policy`: 1 to
// threshold - 1, or 0 when zero is disclosive. REQUIRES: count >= 0.
bool IsSmallCount(int64_t count, const SuppressionPolicy& policy);

// Applies primary and secondary suppression to `table` as described at the
// top of this file.
//
// Returns kInvalidArgument if the policy's threshold is below 1, the table
// has no row or no column, its rows differ in length, a count is negative,
// or it shows row and column totals without the grand total.
absl::StatusOr<SuppressedTable> Suppress(const CountTable& table,
                                         const SuppressionPolicy& policy);

// True if a rate, median or percentile computed from `cases` cases must be
// suppressed: fewer than threshold cases (none included). REQUIRES:
// cases >= 0.
bool SuppressStatistic(int64_t cases, const SuppressionPolicy& policy);

// True if the rate numerator / denominator must be suppressed: it comes from
// too few cases (SuppressStatistic(denominator)), or its numerator or the
// rest (denominator - numerator) is a small count, which the rate would give
// away wherever the denominator is shown. REQUIRES: 0 <= numerator <=
// denominator.
bool SuppressRate(int64_t numerator, int64_t denominator,
                  const SuppressionPolicy& policy);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_REPORTS_SUPPRESSION_H_
