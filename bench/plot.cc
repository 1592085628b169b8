#include "bench/plot.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace safeguard {
namespace {

constexpr double kWidth = 900, kHeight = 560;
constexpr double kLeft = 80, kRight = 260, kTop = 50, kBottom = 60;
constexpr const char* kColors[] = {"#1b6ca8", "#d1495b", "#00798c",
                                   "#edae49", "#66a182", "#8d6a9f",
                                   "#2e4057", "#e07a5f"};

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else out += c;
  }
  return out;
}

}  // namespace

std::string LatencyThroughputSvg(const std::string& title,
                                 const std::vector<PlotSeries>& series) {
  double max_x = 1, min_y = 1e9, max_y = 1;
  for (const PlotSeries& s : series) {
    for (const PlotPoint& p : s.points) {
      max_x = std::max(max_x, p.ops_per_s);
      min_y = std::min(min_y, std::max(1.0, p.p50_us));
      max_y = std::max(max_y, p.p99_us);
    }
  }
  // Decades of microseconds on y; round thousands of operations on x.
  const double y_lo = std::pow(10, std::floor(std::log10(std::min(min_y, max_y))));
  const double y_hi = std::max(y_lo * 10,
                               std::pow(10, std::ceil(std::log10(max_y))));
  const double x_step = std::pow(10, std::floor(std::log10(max_x)));
  const double x_hi = std::ceil(max_x / x_step) * x_step;
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  auto X = [&](double v) { return kLeft + plot_w * v / x_hi; };
  auto Y = [&](double us) {
    return kTop + plot_h * (1 - (std::log10(std::max(us, y_lo)) - std::log10(y_lo)) /
                                    (std::log10(y_hi) - std::log10(y_lo)));
  };

  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
      "height=\"%.0f\" font-family=\"sans-serif\" font-size=\"12\">\n"
      "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
      "<text x=\"%.0f\" y=\"28\" font-size=\"15\">%s</text>\n",
      kWidth, kHeight, kLeft, Escape(title));
  // Axes, grid and labels.
  for (double x = 0; x <= x_hi + 1e-9; x += x_step) {
    absl::StrAppendFormat(
        &svg,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.0f</text>\n",
        X(x), kTop, X(x), kTop + plot_h, X(x), kTop + plot_h + 18, x);
  }
  for (double y = y_lo; y <= y_hi * 1.0001; y *= 10) {
    absl::StrAppendFormat(
        &svg,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
        kLeft, Y(y), kLeft + plot_w, Y(y), kLeft - 6, Y(y) + 4,
        y >= 1000 ? absl::StrCat(y / 1000, " ms") : absl::StrCat(y, " µs"));
  }
  absl::StrAppendFormat(
      &svg,
      "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
      "fill=\"none\" stroke=\"#444\"/>\n"
      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">throughput "
      "(operations per second)</text>\n"
      "<text transform=\"translate(18 %.1f) rotate(-90)\" "
      "text-anchor=\"middle\">latency (p50 solid, p99 dashed; log)</text>\n",
      kLeft, kTop, plot_w, plot_h, kLeft + plot_w / 2, kHeight - 15,
      kTop + plot_h / 2);
  // One colour per scenario; points labelled with their concurrency.
  for (size_t i = 0; i < series.size(); ++i) {
    const PlotSeries& s = series[i];
    const char* color = kColors[i % (sizeof(kColors) / sizeof(kColors[0]))];
    for (bool p99 : {false, true}) {
      std::string points;
      for (const PlotPoint& p : s.points) {
        absl::StrAppendFormat(&points, "%.1f,%.1f ", X(p.ops_per_s),
                              Y(p99 ? p.p99_us : p.p50_us));
      }
      absl::StrAppendFormat(
          &svg,
          "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" "
          "stroke-width=\"2\"%s/>\n",
          points, color, p99 ? " stroke-dasharray=\"6 4\"" : "");
    }
    for (const PlotPoint& p : s.points) {
      absl::StrAppendFormat(
          &svg,
          "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>"
          "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"%s\">c=%d</text>\n",
          X(p.ops_per_s), Y(p.p50_us), color, X(p.ops_per_s) + 4,
          Y(p.p50_us) - 4, color, p.concurrency);
    }
    absl::StrAppendFormat(
        &svg,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
        "stroke-width=\"3\"/><text x=\"%.1f\" y=\"%.1f\">%s</text>\n",
        kWidth - kRight + 15, kTop + 10 + 20 * i, kWidth - kRight + 40,
        kTop + 10 + 20 * i, color, kWidth - kRight + 46, kTop + 14 + 20 * i,
        Escape(s.name));
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace safeguard
