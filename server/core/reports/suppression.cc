#include "server/core/reports/suppression.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace safeguard {
namespace {

// One published equation: members[total] is the sum of members[parts].
// Indices are into the flat member list built by Suppress().
struct Equation {
  std::vector<size_t> parts;
  size_t total;
};

absl::Status Validate(const CountTable& table,
                      const SuppressionPolicy& policy) {
  if (policy.threshold < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "suppression threshold must be at least 1, not ", policy.threshold));
  }
  if (table.cells.empty() || table.cells[0].empty()) {
    return absl::InvalidArgumentError(
        "a count table needs at least one row and one column");
  }
  const size_t columns = table.cells[0].size();
  for (size_t r = 0; r < table.cells.size(); ++r) {
    if (table.cells[r].size() != columns) {
      return absl::InvalidArgumentError(
          absl::StrCat("row ", r, " has ", table.cells[r].size(),
                       " cells; row 0 has ", columns));
    }
    for (size_t c = 0; c < columns; ++c) {
      if (table.cells[r][c] < 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "cell (", r, ", ", c, ") is negative: ", table.cells[r][c]));
      }
    }
  }
  if (table.row_totals && table.column_totals && !table.grand_total) {
    return absl::InvalidArgumentError(
        "a table showing row and column totals must show the grand total");
  }
  return absl::OkStatus();
}

// If `eq` gives a suppressed member away, the member to suppress next: the
// smallest shown one (parts before the total on a tie, then in order); when
// its suppressed parts add up to 0 under a shown total, the smallest shown
// part that is not 0, or else the total. Otherwise nullopt.
std::optional<size_t> NextToSuppress(const Equation& eq,
                                     const std::vector<DecidedCount>& m) {
  int suppressed = 0;
  int64_t suppressed_parts_sum = 0;
  for (size_t i : eq.parts) {
    if (IsSuppressed(m[i].status)) {
      ++suppressed;
      suppressed_parts_sum += m[i].value;
    }
  }
  const bool total_shown = !IsSuppressed(m[eq.total].status);
  if (!total_shown) ++suppressed;
  const bool one_unknown = suppressed == 1;
  const bool zero_sum =
      total_shown && suppressed > 0 && suppressed_parts_sum == 0;
  if (!one_unknown && !zero_sum) return std::nullopt;

  std::optional<size_t> best;
  auto consider = [&](size_t i, bool is_total) {
    if (IsSuppressed(m[i].status)) return;
    if (zero_sum && !is_total && m[i].value == 0) return;
    if (!best.has_value() || m[i].value < m[*best].value) best = i;
  };
  for (size_t i : eq.parts) consider(i, /*is_total=*/false);
  consider(eq.total, /*is_total=*/true);
  return best;  // never empty: see the file comment
}

}  // namespace

bool IsSmallCount(int64_t count, const SuppressionPolicy& policy) {
  if (count == 0) return policy.zero_is_disclosive;
  return count < policy.threshold;
}

absl::StatusOr<SuppressedTable> Suppress(const CountTable& table,
                                         const SuppressionPolicy& policy) {
  if (absl::Status s = Validate(table, policy); !s.ok()) return s;
  const size_t rows = table.cells.size();
  const size_t columns = table.cells[0].size();

  // Every member in one flat list: the cells row by row, then the row
  // totals, the column totals and the grand total, each if shown.
  std::vector<DecidedCount> m;
  auto cell = [columns](size_t r, size_t c) { return r * columns + c; };
  for (const std::vector<int64_t>& row : table.cells) {
    for (int64_t count : row) m.push_back({count, CellStatus::kShown});
  }
  const size_t first_row_total = m.size();
  if (table.row_totals) {
    for (size_t r = 0; r < rows; ++r) {
      int64_t sum = 0;
      for (size_t c = 0; c < columns; ++c) sum += table.cells[r][c];
      m.push_back({sum, CellStatus::kShown});
    }
  }
  const size_t first_column_total = m.size();
  if (table.column_totals) {
    for (size_t c = 0; c < columns; ++c) {
      int64_t sum = 0;
      for (size_t r = 0; r < rows; ++r) sum += table.cells[r][c];
      m.push_back({sum, CellStatus::kShown});
    }
  }
  const size_t grand = m.size();
  if (table.grand_total) {
    int64_t sum = 0;
    for (size_t i = 0; i < rows * columns; ++i) sum += m[i].value;
    m.push_back({sum, CellStatus::kShown});
  }

  // The equations the shown totals publish.
  std::vector<Equation> equations;
  if (table.row_totals) {
    for (size_t r = 0; r < rows; ++r) {
      Equation eq{{}, first_row_total + r};
      for (size_t c = 0; c < columns; ++c) eq.parts.push_back(cell(r, c));
      equations.push_back(std::move(eq));
    }
  }
  if (table.column_totals) {
    for (size_t c = 0; c < columns; ++c) {
      Equation eq{{}, first_column_total + c};
      for (size_t r = 0; r < rows; ++r) eq.parts.push_back(cell(r, c));
      equations.push_back(std::move(eq));
    }
  }
  if (table.grand_total) {
    if (table.row_totals) {
      Equation eq{{}, grand};
      for (size_t r = 0; r < rows; ++r) eq.parts.push_back(first_row_total + r);
      equations.push_back(std::move(eq));
    }
    if (table.column_totals) {
      Equation eq{{}, grand};
      for (size_t c = 0; c < columns; ++c) {
        eq.parts.push_back(first_column_total + c);
      }
      equations.push_back(std::move(eq));
    }
    Equation all_cells{{}, grand};
    for (size_t i = 0; i < rows * columns; ++i) all_cells.parts.push_back(i);
    equations.push_back(std::move(all_cells));
  }

  // Primary suppression, then secondary until no equation gives anything
  // away.
  for (DecidedCount& member : m) {
    if (IsSmallCount(member.value, policy)) {
      member.status = CellStatus::kPrimary;
    }
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (const Equation& eq : equations) {
      while (std::optional<size_t> next = NextToSuppress(eq, m)) {
        m[*next].status = CellStatus::kSecondary;
        changed = true;
      }
    }
  }

  SuppressedTable out;
  out.cells.resize(rows);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < columns; ++c) out.cells[r].push_back(m[cell(r, c)]);
  }
  if (table.row_totals) {
    out.row_totals.assign(m.begin() + first_row_total,
                          m.begin() + first_row_total + rows);
  }
  if (table.column_totals) {
    out.column_totals.assign(m.begin() + first_column_total,
                             m.begin() + first_column_total + columns);
  }
  if (table.grand_total) out.grand_total = m[grand];
  return out;
}

bool SuppressStatistic(int64_t cases, const SuppressionPolicy& policy) {
  return cases < policy.threshold;
}

bool SuppressRate(int64_t numerator, int64_t denominator,
                  const SuppressionPolicy& policy) {
  return SuppressStatistic(denominator, policy) ||
         IsSmallCount(numerator, policy) ||
         IsSmallCount(denominator - numerator, policy);
}

}  // namespace safeguard
