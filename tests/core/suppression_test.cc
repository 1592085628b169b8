#include "server/core/reports/suppression.h"

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace safeguard {
namespace {

using ::safeguard::testing::StatusIs;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

// A member as the test shows it: its value if shown, "P" if suppressed as
// primary, "S" if suppressed as secondary.
std::string Show(const DecidedCount& d) {
  switch (d.status) {
    case CellStatus::kShown:
      return absl::StrCat(d.value);
    case CellStatus::kPrimary:
      return "P";
    case CellStatus::kSecondary:
      return "S";
  }
  return "?";
}

// The decided table as lines: one a row, "c c c | row total", then, if the
// table shows column totals or a grand total, "= column totals | grand".
std::vector<std::string> Render(const SuppressedTable& t) {
  std::vector<std::string> lines;
  for (size_t r = 0; r < t.cells.size(); ++r) {
    std::string line = absl::StrJoin(
        t.cells[r], " ",
        [](std::string* out, const DecidedCount& d) { out->append(Show(d)); });
    if (!t.row_totals.empty()) {
      absl::StrAppend(&line, " | ", Show(t.row_totals[r]));
    }
    lines.push_back(line);
  }
  if (!t.column_totals.empty() || t.grand_total.has_value()) {
    std::string line = "=";
    for (const DecidedCount& d : t.column_totals) {
      absl::StrAppend(&line, " ", Show(d));
    }
    if (t.grand_total.has_value()) {
      absl::StrAppend(&line, " | ", Show(*t.grand_total));
    }
    lines.push_back(line);
  }
  return lines;
}

CountTable Table(std::vector<std::vector<int64_t>> cells, bool row_totals,
                 bool column_totals, bool grand_total) {
  CountTable t;
  t.cells = std::move(cells);
  t.row_totals = row_totals;
  t.column_totals = column_totals;
  t.grand_total = grand_total;
  return t;
}

SuppressionPolicy Policy(int threshold, bool zero_is_disclosive) {
  SuppressionPolicy p;
  p.threshold = threshold;
  p.zero_is_disclosive = zero_is_disclosive;
  return p;
}

constexpr bool kRowTotals = true;
constexpr bool kColumnTotals = true;
constexpr bool kGrandTotal = true;
constexpr bool kNo = false;

TEST(SuppressTest, DecidesEveryCellAndTotal) {
  const SuppressionPolicy standard;  // threshold 5, zero not disclosive
  struct Case {
    const char* name;
    CountTable table;
    SuppressionPolicy policy;
    std::vector<std::string> expected;
  } cases[] = {
      {"nothing small: nothing suppressed",
       Table({{12, 7, 30}, {5, 9, 18}}, kRowTotals, kColumnTotals, kGrandTotal),
       standard,
       {"12 7 30 | 49", "5 9 18 | 32", "= 17 16 48 | 81"}},
      {"no totals: only the small cell",
       Table({{3, 8, 9, 12}}, kNo, kNo, kNo),
       standard,
       {"P 8 9 12"}},
      {"a row with one small cell and its total: the next smallest goes too",
       Table({{9, 3, 12, 8}}, kRowTotals, kNo, kNo),
       standard,
       {"9 P 12 S | 32"}},
      {"a column with one small cell and its total",
       Table({{10}, {2}, {7}, {15}}, kNo, kColumnTotals, kNo),
       standard,
       {"10", "P", "S", "15", "= 34"}},
      {"secondary suppression spreads across rows and columns",
       Table({{2, 9, 20}, {8, 30, 25}}, kRowTotals, kColumnTotals, kGrandTotal),
       standard,
       {"P S 20 | 31", "S S 25 | 63", "= 10 39 45 | 94"}},
      {"all cells small: small totals too, and the totals protect each other",
       Table({{1, 2}, {3, 4}}, kRowTotals, kColumnTotals, kGrandTotal),
       standard,
       {"P P | P", "P P | S", "= P S | 10"}},
      {"a small row total is protected along the totals column",
       Table({{1, 2}, {6, 7}, {8, 9}}, kRowTotals, kNo, kGrandTotal),
       standard,
       {"P P | P", "S 7 | S", "8 9 | 17", "= | 33"}},
      {"a grand total alone still protects the one small cell",
       Table({{6, 3}, {8, 20}}, kNo, kNo, kGrandTotal),
       standard,
       {"S P", "8 20", "= | 37"}},
      {"zero not disclosive: zeros shown, nothing else small",
       Table({{0, 7, 9}}, kRowTotals, kNo, kNo),
       standard,
       {"0 7 9 | 16"}},
      {"zero disclosive: the zero is primary and the next smallest goes",
       Table({{0, 7, 9}}, kRowTotals, kNo, kNo),
       Policy(5, /*zero_is_disclosive=*/true),
       {"P S 9 | 16"}},
      {"zero not disclosive: a zero is the next smallest, and is taken",
       Table({{3, 0, 9}}, kRowTotals, kNo, kNo),
       standard,
       {"P S 9 | 12"}},
      {"zero disclosive: two zeros under a shown total take a non-zero cell",
       Table({{0, 0, 6, 9}}, kRowTotals, kNo, kNo),
       Policy(5, /*zero_is_disclosive=*/true),
       {"P P S 9 | 15"}},
      {"1x1, no totals, small", Table({{3}}, kNo, kNo, kNo), standard, {"P"}},
      {"1x1, no totals, not small",
       Table({{7}}, kNo, kNo, kNo),
       standard,
       {"7"}},
      {"1x1 with every total, small: every total is the same count",
       Table({{3}}, kRowTotals, kColumnTotals, kGrandTotal),
       standard,
       {"P | P", "= P | P"}},
      {"1x1 with every total, not small",
       Table({{7}}, kRowTotals, kColumnTotals, kGrandTotal),
       standard,
       {"7 | 7", "= 7 | 7"}},
      {"1x1 zero with every total, zero disclosive",
       Table({{0}}, kRowTotals, kColumnTotals, kGrandTotal),
       Policy(5, /*zero_is_disclosive=*/true),
       {"P | P", "= P | P"}},
      {"one column: each row total is its one cell, and small with it",
       Table({{3}, {12}}, kRowTotals, kNo, kNo),
       standard,
       {"P | P", "12 | 12"}},
      {"threshold 10: 7 is small",
       Table({{7, 12, 15}}, kRowTotals, kNo, kNo),
       Policy(10, /*zero_is_disclosive=*/false),
       {"P S 15 | 34"}},
      {"threshold 1: nothing but disclosive zeros is small",
       Table({{1, 2, 0}}, kRowTotals, kNo, kNo),
       Policy(1, /*zero_is_disclosive=*/true),
       {"S 2 P | 3"}},
  };
  for (const Case& tc : cases) {
    absl::StatusOr<SuppressedTable> out = Suppress(tc.table, tc.policy);
    ASSERT_TRUE(out.ok()) << tc.name << ": " << out.status();
    EXPECT_THAT(Render(*out), ElementsAreArray(tc.expected)) << tc.name;
  }
}

TEST(SuppressTest, RejectsBadTablesAndPolicies) {
  struct Case {
    const char* name;
    CountTable table;
    SuppressionPolicy policy;
    std::string message;
  } cases[] = {
      {"threshold 0", Table({{1}}, kNo, kNo, kNo), Policy(0, false),
       "suppression threshold must be at least 1, not 0"},
      {"no rows", Table({}, kNo, kNo, kNo), SuppressionPolicy(),
       "a count table needs at least one row and one column"},
      {"no columns", Table({{}}, kNo, kNo, kNo), SuppressionPolicy(),
       "a count table needs at least one row and one column"},
      {"ragged rows", Table({{1, 2}, {3}}, kNo, kNo, kNo), SuppressionPolicy(),
       "row 1 has 1 cells; row 0 has 2"},
      {"negative count", Table({{1, 2}, {3, -4}}, kNo, kNo, kNo),
       SuppressionPolicy(), "cell (1, 1) is negative: -4"},
      {"both margins without the grand total",
       Table({{10, 20}}, kRowTotals, kColumnTotals, kNo), SuppressionPolicy(),
       "a table showing row and column totals must show the grand total"},
  };
  for (const Case& tc : cases) {
    EXPECT_THAT(
        Suppress(tc.table, tc.policy),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(tc.message)))
        << tc.name;
  }
}

TEST(SuppressTest, ComputesTheTotals) {
  absl::StatusOr<SuppressedTable> out =
      Suppress(Table({{10, 20, 30}, {40, 50, 60}}, kRowTotals, kColumnTotals,
                     kGrandTotal),
               SuppressionPolicy());
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->row_totals.size(), 2u);
  EXPECT_EQ(out->row_totals[0].value, 60);
  EXPECT_EQ(out->row_totals[1].value, 150);
  ASSERT_EQ(out->column_totals.size(), 3u);
  EXPECT_EQ(out->column_totals[0].value, 50);
  EXPECT_EQ(out->column_totals[1].value, 70);
  EXPECT_EQ(out->column_totals[2].value, 90);
  ASSERT_TRUE(out->grand_total.has_value());
  EXPECT_EQ(out->grand_total->value, 210);
}

TEST(SuppressStatisticTest, RatesAndMediansFromFewCases) {
  struct Case {
    const char* name;
    int64_t cases;
    SuppressionPolicy policy;
    bool suppressed;
  } cases[] = {
      {"no cases", 0, SuppressionPolicy(), true},
      {"one case", 1, SuppressionPolicy(), true},
      {"four cases", 4, SuppressionPolicy(), true},
      {"five cases", 5, SuppressionPolicy(), false},
      {"a hundred cases", 100, SuppressionPolicy(), false},
      {"threshold 3, two cases", 2, Policy(3, false), true},
      {"threshold 3, three cases", 3, Policy(3, false), false},
      {"threshold 1, no cases", 0, Policy(1, false), true},
  };
  for (const Case& tc : cases) {
    EXPECT_EQ(SuppressStatistic(tc.cases, tc.policy), tc.suppressed) << tc.name;
  }
}

TEST(SuppressStatisticTest, Rates) {
  struct Case {
    const char* name;
    int64_t numerator;
    int64_t denominator;
    SuppressionPolicy policy;
    bool suppressed;
  } cases[] = {
      {"50 of 100", 50, 100, SuppressionPolicy(), false},
      {"2 of 3: too few cases", 2, 3, SuppressionPolicy(), true},
      {"0 of 4: too few cases", 0, 4, SuppressionPolicy(), true},
      {"2 of 100: the numerator is small", 2, 100, SuppressionPolicy(), true},
      {"97 of 100: the rest is small", 97, 100, SuppressionPolicy(), true},
      {"0 of 100, zero not disclosive", 0, 100, SuppressionPolicy(), false},
      {"0 of 100, zero disclosive", 0, 100, Policy(5, true), true},
      {"100 of 100, zero not disclosive", 100, 100, SuppressionPolicy(), false},
      {"100 of 100, zero disclosive", 100, 100, Policy(5, true), true},
  };
  for (const Case& tc : cases) {
    EXPECT_EQ(SuppressRate(tc.numerator, tc.denominator, tc.policy),
              tc.suppressed)
        << tc.name;
  }
}

// The property test's reader: one equation the published table states,
// "total = sum of parts", over pointers into a SuppressedTable.
struct PublishedEquation {
  std::string name;
  std::vector<const DecidedCount*> parts;
  const DecidedCount* total;
};

// The equations a table with these totals publishes, built here
// independently of the implementation.
std::vector<PublishedEquation> Equations(const SuppressedTable& t) {
  std::vector<PublishedEquation> eqs;
  const size_t rows = t.cells.size();
  const size_t columns = t.cells[0].size();
  for (size_t r = 0; r < t.row_totals.size(); ++r) {
    PublishedEquation eq{absl::StrCat("row ", r), {}, &t.row_totals[r]};
    for (const DecidedCount& d : t.cells[r]) eq.parts.push_back(&d);
    eqs.push_back(eq);
  }
  for (size_t c = 0; c < t.column_totals.size(); ++c) {
    PublishedEquation eq{absl::StrCat("column ", c), {}, &t.column_totals[c]};
    for (size_t r = 0; r < rows; ++r) eq.parts.push_back(&t.cells[r][c]);
    eqs.push_back(eq);
  }
  if (t.grand_total.has_value()) {
    PublishedEquation all{"grand total over the cells", {}, &*t.grand_total};
    for (size_t r = 0; r < rows; ++r) {
      for (size_t c = 0; c < columns; ++c) all.parts.push_back(&t.cells[r][c]);
    }
    eqs.push_back(all);
    if (!t.row_totals.empty()) {
      PublishedEquation eq{
          "grand total over the row totals", {}, &*t.grand_total};
      for (const DecidedCount& d : t.row_totals) eq.parts.push_back(&d);
      eqs.push_back(eq);
    }
    if (!t.column_totals.empty()) {
      PublishedEquation eq{
          "grand total over the column totals", {}, &*t.grand_total};
      for (const DecidedCount& d : t.column_totals) eq.parts.push_back(&d);
      eqs.push_back(eq);
    }
  }
  return eqs;
}

// What a reader who sees only the shown values can work out from `eq`
// alone, counts being non-negative; empty if nothing.
std::string WhatOneEquationGivesAway(const PublishedEquation& eq) {
  std::vector<const DecidedCount*> unknown_parts;
  int64_t shown_parts_sum = 0;
  for (const DecidedCount* d : eq.parts) {
    if (IsSuppressed(d->status)) {
      unknown_parts.push_back(d);
    } else {
      shown_parts_sum += d->value;
    }
  }
  if (IsSuppressed(eq.total->status)) {
    if (unknown_parts.empty()) {
      return absl::StrCat(eq.name, ": the total is ", shown_parts_sum);
    }
    return "";
  }
  const int64_t rest = eq.total->value - shown_parts_sum;
  if (unknown_parts.size() == 1) {
    return absl::StrCat(eq.name, ": the one suppressed part is ", rest);
  }
  if (!unknown_parts.empty() && rest == 0) {
    return absl::StrCat(eq.name, ": ", unknown_parts.size(),
                        " suppressed parts add up to 0, so each is 0");
  }
  return "";
}

std::vector<const DecidedCount*> Members(const SuppressedTable& t) {
  std::vector<const DecidedCount*> all;
  for (const auto& row : t.cells) {
    for (const DecidedCount& d : row) all.push_back(&d);
  }
  for (const DecidedCount& d : t.row_totals) all.push_back(&d);
  for (const DecidedCount& d : t.column_totals) all.push_back(&d);
  if (t.grand_total.has_value()) all.push_back(&*t.grand_total);
  return all;
}

// Many random small tables with many small counts, under several policies
// and every valid choice of totals: every small count is primary and only
// those are; the totals are the sums; a table with nothing small has
// nothing suppressed; and no single published equation gives away a
// suppressed value.
TEST(SuppressPropertyTest, NoSuppressedValueFollowsFromOneEquation) {
  constexpr int kTables = 20000;
  std::mt19937 rng(16);  // fixed: the same tables every run
  auto below = [&rng](int n) { return static_cast<int>(rng() % n); };
  const int thresholds[] = {1, 3, 5, 5, 5, 10};
  struct Totals {
    bool rows, columns, grand;
  };
  const Totals totals[] = {{false, false, false}, {true, false, false},
                           {false, true, false},  {false, false, true},
                           {true, false, true},   {false, true, true},
                           {true, true, true}};

  int with_secondary = 0;
  for (int i = 0; i < kTables; ++i) {
    const SuppressionPolicy policy =
        Policy(thresholds[below(6)], /*zero_is_disclosive=*/below(2) == 1);
    const Totals shown = totals[below(7)];
    const int rows = 1 + below(5);
    const int columns = 1 + below(5);
    std::vector<std::vector<int64_t>> cells(rows);
    for (auto& row : cells) {
      for (int c = 0; c < columns; ++c) {
        // Three in five are below the threshold.
        row.push_back(below(5) < 3 ? below(policy.threshold) : below(41));
      }
    }
    const CountTable table =
        Table(cells, shown.rows, shown.columns, shown.grand);
    const std::string name = absl::StrCat(
        "table ", i, " (threshold ", policy.threshold, ", zero ",
        policy.zero_is_disclosive ? "disclosive" : "shown", "): ",
        absl::StrJoin(cells, " / ",
                      [](std::string* out, const std::vector<int64_t>& row) {
                        out->append(absl::StrJoin(row, " "));
                      }));

    absl::StatusOr<SuppressedTable> out = Suppress(table, policy);
    ASSERT_TRUE(out.ok()) << name << ": " << out.status();
    const std::string decided = absl::StrJoin(Render(*out), " / ");

    // The totals are the sums of the counts.
    int64_t grand = 0;
    for (int r = 0; r < rows; ++r) {
      int64_t sum = 0;
      for (int c = 0; c < columns; ++c) sum += cells[r][c];
      grand += sum;
      if (shown.rows) {
        ASSERT_EQ(out->row_totals[r].value, sum) << name;
      }
    }
    for (int c = 0; c < columns; ++c) {
      int64_t sum = 0;
      for (int r = 0; r < rows; ++r) sum += cells[r][c];
      if (shown.columns) {
        ASSERT_EQ(out->column_totals[c].value, sum) << name;
      }
    }
    if (shown.grand) {
      ASSERT_EQ(out->grand_total->value, grand) << name;
    }

    // Primary exactly where the count is small.
    bool any_small = false;
    bool any_suppressed = false;
    bool any_secondary = false;
    for (const DecidedCount* d : Members(*out)) {
      const bool small = d->value == 0 ? policy.zero_is_disclosive
                                       : d->value < policy.threshold;
      any_small = any_small || small;
      any_suppressed = any_suppressed || IsSuppressed(d->status);
      any_secondary = any_secondary || d->status == CellStatus::kSecondary;
      ASSERT_EQ(d->status == CellStatus::kPrimary, small)
          << name << "\n  decided: " << decided << "\n  value " << d->value;
    }
    if (!any_small) {
      ASSERT_FALSE(any_suppressed) << name << "\n  " << decided;
    }
    if (any_secondary) ++with_secondary;

    // No single equation gives anything away.
    for (const PublishedEquation& eq : Equations(*out)) {
      ASSERT_EQ(WhatOneEquationGivesAway(eq), "")
          << name << "\n  decided: " << decided;
    }
  }
  // The tables exercised secondary suppression, not just primary.
  EXPECT_GT(with_secondary, kTables / 4);
}

}  // namespace
}  // namespace safeguard
