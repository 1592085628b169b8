// File: bench/plot.h
//
// LatencyThroughputSvg(): the benchmark's plot of latency against
// throughput, as a self-contained SVG: one line per scenario through its
// concurrency levels, throughput on x, p50 (solid) and p99 (dashed)
// latency on a logarithmic y axis. Pure function; thread-compatible.
#ifndef SAFEGUARD_BENCH_PLOT_H_
#define SAFEGUARD_BENCH_PLOT_H_

#include <string>
#include <vector>

namespace safeguard {

struct PlotPoint {
  int concurrency = 0;
  double ops_per_s = 0;
  double p50_us = 0;
  double p99_us = 0;
};

struct PlotSeries {
  std::string name;
  std::vector<PlotPoint> points;  // in concurrency order
};

std::string LatencyThroughputSvg(const std::string& title,
                                 const std::vector<PlotSeries>& series);

}  // namespace safeguard

#endif  // SAFEGUARD_BENCH_PLOT_H_
