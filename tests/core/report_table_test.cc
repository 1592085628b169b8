// The report's figures (report_table.h): how each reads, medians and
// percentiles, a grid decided with and without suppression, and a share
// beside counts.
#include "server/core/reports/report_table.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace safeguard {
namespace {

TEST(ReportTableTest, EachFigureReadsAsAReaderSeesIt) {
  const SuppressionPolicy policy;  // 5
  const struct {
    const char* name;
    Figure figure;
    FigureUnit unit;
    const char* display;
  } cases[] = {
      {"a count", {FigureStatus::kShown, 12}, FigureUnit::kCount, "12"},
      {"a percent", {FigureStatus::kShown, 41.666}, FigureUnit::kPercent,
       "41.7%"},
      {"days", {FigureStatus::kShown, 3.04}, FigureUnit::kDays, "3.0"},
      {"a rate", {FigureStatus::kShown, 0.45}, FigureUnit::kPer10000, "0.5"},
      {"small", {FigureStatus::kFewerThanThreshold, 0}, FigureUnit::kCount,
       "fewer than 5"},
      {"secondary", {FigureStatus::kSuppressed, 0}, FigureUnit::kCount,
       "suppressed"},
      {"few cases", {FigureStatus::kTooFewCases, 0}, FigureUnit::kDays,
       "too few cases"},
      {"none", {FigureStatus::kNotAvailable, 0}, FigureUnit::kPercent,
       "not available"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(DisplayFigure(c.figure, c.unit, policy), c.display) << c.name;
  }
}

TEST(ReportTableTest, MedianAndNinetiethPercentile) {
  EXPECT_EQ(Median({5}), 5);
  EXPECT_EQ(Median({4, 1, 3}), 3);
  EXPECT_EQ(Median({4, 1, 3, 2}), 2.5);
  // Nearest rank: the ceil(0.9 n)-th smallest.
  EXPECT_EQ(Percentile90({7}), 7);
  EXPECT_EQ(Percentile90({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}), 9);
  EXPECT_EQ(Percentile90({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}), 10);
}

std::vector<std::vector<std::string>> Shown(const ReportTable& t) {
  std::vector<std::vector<std::string>> out;
  for (const TableRow& r : t.rows) {
    std::vector<std::string> row = {r.label};
    for (size_t i = 0; i < r.cells.size(); ++i) {
      row.push_back(DisplayFigure(r.cells[i], t.columns[i].unit,
                                  SuppressionPolicy()));
    }
    out.push_back(row);
  }
  return out;
}

TEST(ReportTableTest, AGridWithItsTotalsAndAShare) {
  CountGrid grid({"Gateway", "Decision"}, {"Met", "Missed"});
  grid.counts = {{3, 9}, {20, 8}};
  grid.row_totals = true;
  ReportTable table;
  FigureRules rules;
  ASSERT_TRUE(FillCounts(grid, rules, table).ok());
  AddShareColumn("Share met", {3, 20}, {12, 28}, 0, 2, rules, table);
  // 3 is small; the row's total (shown) would give it away with the 9, so
  // the 9 goes too, and the share with them.
  EXPECT_EQ(Shown(table),
            (std::vector<std::vector<std::string>>{
                {"Gateway", "fewer than 5", "suppressed", "12", "too few cases"},
                {"Decision", "20", "8", "28", "71.4%"}}));
  ASSERT_EQ(table.columns.size(), 4u);
  EXPECT_TRUE(table.columns[2].total);

  // The same grid unsuppressed shows every figure.
  rules.suppress = false;
  ASSERT_TRUE(FillCounts(grid, rules, table).ok());
  AddShareColumn("Share met", {3, 20}, {12, 28}, 0, 2, rules, table);
  EXPECT_EQ(Shown(table)[0], (std::vector<std::string>{"Gateway", "3", "9",
                                                       "12", "25.0%"}));
}

TEST(ReportTableTest, NothingToCountIsAnEmptyTable) {
  ReportTable table;
  table.rows.push_back({"stale", {}, false});
  ASSERT_TRUE(FillCounts(CountGrid({}, {"Count"}), FigureRules(), table).ok());
  EXPECT_TRUE(table.rows.empty());
  EXPECT_TRUE(table.columns.empty());
}

TEST(ReportTableTest, StatisticsFromFewCasesAreNotShown) {
  FigureRules rules;
  const TableRow few = StatRow("few", {1, 2, 3}, rules);
  EXPECT_EQ(few.cells[0].status, FigureStatus::kFewerThanThreshold);
  EXPECT_EQ(few.cells[1].status, FigureStatus::kTooFewCases);
  EXPECT_EQ(few.cells[2].status, FigureStatus::kTooFewCases);
  const TableRow none = StatRow("none", {}, rules);
  EXPECT_EQ(none.cells[0].status, FigureStatus::kShown);
  EXPECT_EQ(none.cells[1].status, FigureStatus::kNotAvailable);
  const TableRow enough = StatRow("enough", {1, 2, 3, 4, 10}, rules);
  EXPECT_EQ(enough.cells[1].value, 3);
  EXPECT_EQ(enough.cells[2].value, 10);
}

}  // namespace
}  // namespace safeguard
