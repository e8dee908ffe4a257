// A small line chart in plain SVG (no dependency): one series per contender, the artifact size
// on a log2 x axis, so a reader sees at a glance how time and memory grow with size.

/** One line of the chart. */
export interface Series {
  name: string;
  /** [x, y] points, x > 0. */
  points: Array<[number, number]>;
}

/** What the chart shows. */
export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
}

const WIDTH = 720;
const HEIGHT = 420;
const MARGIN = { left: 70, right: 260, top: 40, bottom: 50 };
const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"];

/** Renders the series as an SVG document. */
export function lineChart(series: Series[], options: ChartOptions): string {
  // A point that cannot be drawn (a time too short to measure gives an infinite rate) is left out.
  series = series.map((s) => ({
    ...s,
    points: s.points.filter(([x, y]) => x > 0 && Number.isFinite(y)),
  }));
  const xs = series.flatMap((s) => s.points.map(([x]) => x));
  const ys = series.flatMap((s) => s.points.map(([, y]) => y));
  const [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  const yMax = niceCeiling(Math.max(...ys, 1));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const lx = (x: number) =>
    MARGIN.left + (xMax === xMin ? 0 : (Math.log2(x / xMin) / Math.log2(xMax / xMin)) * plotW);
  const ly = (y: number) => MARGIN.top + plotH - (y / yMax) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" ` +
    `font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${MARGIN.left}" y="22" font-size="15">${escape(options.title)}</text>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const y = (yMax * i) / 5;
    out.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${ly(y)}" y2="${ly(y)}" ` +
        `stroke="#ddd"/>`,
      `<text x="${MARGIN.left - 8}" y="${ly(y) + 4}" text-anchor="end">${round(y)}</text>`,
    );
  }
  const ticks = [...new Set(xs)].sort((a, b) => a - b);
  // Many x values (trial numbers): label the powers of two and the last, not every one.
  const labelled = ticks.length <= 12
    ? ticks
    : ticks.filter((x, i) => Number.isInteger(Math.log2(x)) || i === ticks.length - 1);
  for (const x of labelled) {
    out.push(
      `<text x="${lx(x)}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${x}</text>`,
    );
  }
  out.push(
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">` +
      `${escape(options.xLabel)}</text>`,
    `<text transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" ` +
      `text-anchor="middle">${escape(options.yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const path = s.points.map(([x, y], j) => `${j ? "L" : "M"}${lx(x)} ${ly(y)}`).join(" ");
    out.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const [x, y] of s.points.length <= 12 ? s.points : []) {
      out.push(`<circle cx="${lx(x)}" cy="${ly(y)}" r="3" fill="${color}"/>`);
    }
    const legendY = MARGIN.top + 10 + i * 18;
    out.push(
      `<line x1="${WIDTH - MARGIN.right + 15}" x2="${WIDTH - MARGIN.right + 35}" ` +
        `y1="${legendY}" y2="${legendY}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${WIDTH - MARGIN.right + 40}" y="${legendY + 4}">${escape(s.name)}</text>`,
    );
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}

function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
