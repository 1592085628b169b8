// A report table as a chart (chart.js, with only the parts drawn here
// registered): a line for a trend, bars otherwise, one series a column of
// figures in the table's main unit, drawn from the figures shown only (a
// suppressed or unavailable figure is a gap). Totals are left out. The
// canvas is an image whose label says what it shows; the table beside it
// holds every figure, for screen readers and for reading exact values.
// No animation and no interaction: nothing changes after it is drawn.
import {
  BarController, BarElement, CategoryScale, Chart, type ChartConfiguration, Legend, LinearScale, LineController,
  LineElement, PointElement,
} from "chart.js";

import { CellStatus, type ReportTable } from "../gen/safeguard/v1/reports_pb";
import { h } from "./dom";

Chart.register(BarController, BarElement, CategoryScale, Legend, LinearScale, LineController, LineElement,
               PointElement);
Chart.defaults.font.family = "arial, sans-serif";
Chart.defaults.font.size = 14;
Chart.defaults.color = "#0b0c0c";
Chart.defaults.borderColor = "#b1b4b6";

// GOV.UK colours with at least 3:1 contrast on white; lines also differ
// by dash and point, so that no series is told apart by colour alone.
const COLOURS = ["#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#505a5f", "#d53880", "#003078", "#b58840"];
const DASHES = [[], [8, 4], [2, 3], [10, 3, 2, 3]];
const POINTS = ["circle", "rect", "triangle", "rectRot", "crossRot", "star"] as const;

const UNIT_WORDS: Record<string, string> = {
  count: "Number", percent: "Percent", days: "Days", per_10000: "Per 10,000",
};

export interface TableChart {
  element: HTMLElement;
  // Draws it; call once the element is on the page.
  draw(): Chart;
}

// A label over lines of at most `width` characters, broken between
// words, so that a long one is not cut off beside the axis.
function lines(label: string, width = 24): string | string[] {
  if (label.length <= width) return label;
  const out: string[] = [];
  let line = "";
  for (const word of label.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  out.push(line);
  return out;
}

// "NRM, Channel and MARAC".
function list(items: string[]): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

export function tableChart(t: ReportTable): TableChart | null {
  const type = t.chart === "line" ? "line" : "bar";
  const rows = t.rows.filter((r) => !r.total);
  const columns = t.columns.map((c, i) => ({ c, i })).filter(({ c }) => !c.total);
  const unit = columns[0]?.c.unit ?? "count";
  const drawn = columns.filter(({ c }) => c.unit === unit);
  if (rows.length === 0 || drawn.length === 0) return null;
  let left = 0;
  const datasets = drawn.map(({ c, i }, k) => ({
    label: c.label,
    data: rows.map((r) => {
      const cell = r.cells[i];
      if (cell?.status === CellStatus.SHOWN) return cell.value;
      left++;
      return null;
    }),
    borderColor: COLOURS[k % COLOURS.length],
    backgroundColor: COLOURS[k % COLOURS.length],
    borderDash: type === "line" ? DASHES[k % DASHES.length] : undefined,
    pointStyle: POINTS[k % POINTS.length],
    pointRadius: 4,
  }));
  // Long or many categories read better as horizontal bars, as tall as
  // they need (each line of a label about 17 pixels, a chart about 640
  // wide).
  const labels = rows.map((r) => lines(r.label));
  const across = type === "bar" && (rows.length > 6 || rows.some((r) => r.label.length > 16));
  const perRow = (l: string | string[]) => Math.max(typeof l === "string" ? 1 : l.length, drawn.length) * 17 + 10;
  const height = 90 + labels.reduce((sum, l) => sum + perRow(l), 0);
  const aspectRatio = across ? Math.max(0.5, Math.min(2, 640 / height)) : 2;
  const byRow = t.rowHeader.toLowerCase();
  const label = `${type === "line" ? "Line" : "Bar"} chart of ${t.title.charAt(0).toLowerCase()}${t.title.slice(1)}: ` +
      `${list(drawn.map(({ c }) => c.label))} by ${byRow}, ` +
      (type === "line" ? `from ${rows[0].label} to ${rows[rows.length - 1].label}. ` : `${rows.length} in all. `) +
      (left ? `${left} ${left === 1 ? "figure is" : "figures are"} not drawn: suppressed or not available. ` : "") +
      "The table gives every figure.";
  const canvas = h("canvas", { id: `chart-${t.id}`, role: "img", "aria-label": label });
  const valueAxis = {
    beginAtZero: true,
    title: { display: true, text: UNIT_WORDS[unit] ?? unit },
    ticks: { precision: unit === "count" ? 0 : undefined },
  };
  const categoryAxis = { title: { display: true, text: t.rowHeader } };
  const config: ChartConfiguration<"line" | "bar", (number | null)[], string | string[]> = {
    type,
    data: { labels, datasets },
    options: {
      animation: false,
      events: [],
      responsive: true,
      maintainAspectRatio: true,
      aspectRatio,
      indexAxis: across ? "y" : "x",
      spanGaps: false,
      scales: across ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
      plugins: {
        legend: { display: datasets.length > 1, position: "top", labels: { usePointStyle: type === "line" } },
      },
    },
  };
  return {
    element: h("div.app-chart", { "data-chart": t.chart }, canvas),
    draw: () => new Chart(canvas as HTMLCanvasElement, config),
  };
}
