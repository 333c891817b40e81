// A heatmap by weekday and hour: every hourly point of a metric falls into
// one of 7 x 24 cells (in the dashboard's timezone), combined by sum or
// mean, and each cell is shaded by its share of the largest cell.
//
// Plain JavaScript with no WIT imports, so `node --test` tests it on the
// host; widget.js adapts it to the `wasmdash:plugin` widget world.

export const ID = "weekday-heatmap";
export const NAME = "Weekday heatmap (JavaScript)";
export const VERSION = "0.1.0";
export const DESCRIPTION = "A metric by weekday and hour of day, as a 7 x 24 heatmap.";

export const CONFIG_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  title: NAME,
  type: "object",
  properties: {
    metric: {
      type: "string",
      title: "Metric",
      description: "The metric to show.",
      "x-wasmdash": "metric",
    },
    bucket: {
      type: "string",
      title: "Bucket",
      description: "The heatmap reads hourly points.",
      enum: ["hour"],
      default: "hour",
    },
    title: { type: "string", title: "Title", description: "Empty uses the metric's label.", default: "" },
    combine: {
      type: "string",
      title: "Combine weeks by",
      description: "How the points of the same weekday and hour are combined.",
      enum: ["sum", "mean"],
      default: "sum",
    },
    week_starts: {
      type: "string",
      title: "Week starts on",
      enum: ["monday", "sunday"],
      default: "monday",
    },
  },
};

// Keys the host reads for its own use.
const HOST_KEYS = new Set(["metric", "bucket", "compare_previous"]);
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** A config (or data) problem, with the message shown to the user. */
export class WidgetError extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind;
  }
}

const configError = (message) => new WidgetError("invalid-config", message);

function oneOf(cfg, key) {
  const allowed = CONFIG_SCHEMA.properties[key].enum;
  const value = cfg[key] ?? CONFIG_SCHEMA.properties[key].default;
  if (!allowed.includes(value)) {
    throw configError(`\`${key}\` must be one of ${allowed.join(", ")}`);
  }
  return value;
}

/** The checked config, or a WidgetError naming the bad key. */
export function parseConfig(text) {
  let cfg;
  try {
    cfg = text.trim() === "" ? {} : JSON.parse(text);
  } catch (e) {
    throw configError(`not JSON: ${e.message}`);
  }
  if (cfg === null || typeof cfg !== "object" || Array.isArray(cfg)) {
    throw configError("must be a JSON object");
  }
  for (const key of Object.keys(cfg)) {
    if (!(key in CONFIG_SCHEMA.properties) && !HOST_KEYS.has(key)) {
      throw configError(`unknown key \`${key}\``);
    }
  }
  const title = cfg.title ?? "";
  if (typeof title !== "string") throw configError("`title` must be a string");
  oneOf(cfg, "bucket");
  return { title, combine: oneOf(cfg, "combine"), weekStarts: oneOf(cfg, "week_starts") };
}

/**
 * 7 x 24 cells (rows in display order) from hourly points; `timestamps` are
 * Unix ms (numbers or bigints), `offsetMinutes` the timezone's UTC offset.
 */
export function grid(cfg, timestamps, values, nulls, offsetMinutes) {
  const sums = Array.from({ length: 7 }, () => new Array(24).fill(0));
  const counts = Array.from({ length: 7 }, () => new Array(24).fill(0));
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if ((nulls.length > 0 && nulls[i]) || !Number.isFinite(v)) continue;
    const local = new Date(Number(timestamps[i]) + offsetMinutes * 60_000);
    const day = local.getUTCDay();
    const hour = local.getUTCHours();
    sums[day][hour] += v;
    counts[day][hour] += 1;
  }
  const order = cfg.weekStarts === "monday" ? [1, 2, 3, 4, 5, 6, 0] : [0, 1, 2, 3, 4, 5, 6];
  return order.map((day) => ({
    day: DAYS[day],
    cells: sums[day].map((sum, hour) => {
      const n = counts[day][hour];
      if (n === 0) return null;
      return cfg.combine === "mean" ? sum / n : sum;
    }),
  }));
}

export function escape(text) {
  return String(text)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/**
 * `v` with `decimals` decimals and thousands separators, en-US style. Written
 * out rather than `toLocaleString`, which needs Intl data the engine in the
 * component may not carry.
 */
export function fixed(v, decimals) {
  const [int, frac] = Math.abs(v).toFixed(decimals).split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const negative = v < 0 && /[1-9]/.test(int + (frac ?? ""));
  return `${negative ? "-" : ""}${grouped}${frac ? `.${frac}` : ""}`;
}

/** Like the Rust SDK: 1,234.5; percent; currency with a symbol or code. */
export function formatValue(v, fmt = { kind: "number", unit: "", decimals: undefined }) {
  if (v === null || !Number.isFinite(v)) return "–";
  if (fmt.kind === "percent") return `${fixed(v * 100, fmt.decimals ?? 1)}%`;
  const text = fixed(v, fmt.decimals ?? (Number.isInteger(v) ? 0 : 2));
  if (fmt.kind === "currency") {
    const symbol = { USD: "$", EUR: "€", GBP: "£" }[fmt.unit];
    return symbol ? `${symbol}${text}` : `${text} ${fmt.unit}`.trim();
  }
  return fmt.unit ? `${text} ${fmt.unit}` : text;
}

/** The widget's HTML: a title and one SVG with a cell per weekday and hour. */
export function render(cfg, label, rows, fmt) {
  const title = cfg.title || label;
  const all = rows.flatMap((r) => r.cells).filter((v) => v !== null);
  if (all.length === 0) {
    return (
      `<div class="wd-widget wd-empty"><div class="wd-title">${escape(title)}</div>` +
      `<p class="wd-empty-message">No data for this range</p></div>`
    );
  }
  const max = Math.max(...all.map(Math.abs)) || 1;
  const cell = 20;
  const left = 34;
  const top = 18;
  const w = left + 24 * cell + 4;
  const h = top + 7 * cell + 22;
  const aria = `${title} by weekday and hour, up to ${formatValue(max, fmt)}`;
  const out = [
    `<div class="wd-widget wd-heatmap"><div class="wd-title">${escape(title)}</div>`,
    `<svg class="wd-chart" viewBox="0 0 ${w} ${h}" preserveAspectRatio="xMidYMid meet" ` +
      `role="img" aria-label="${escape(aria)}"><title>${escape(aria)}</title>`,
  ];
  for (let hour = 0; hour < 24; hour += 3) {
    const x = left + hour * cell + cell / 2;
    out.push(`<text x="${x}" y="12" font-size="10" text-anchor="middle">${hour}</text>`);
  }
  rows.forEach((row, r) => {
    const y = top + r * cell;
    out.push(
      `<text x="${left - 6}" y="${y + cell / 2 + 4}" font-size="11" text-anchor="end">${row.day}</text>`,
    );
    row.cells.forEach((v, hour) => {
      const x = left + hour * cell;
      const tip = `${row.day} ${String(hour).padStart(2, "0")}:00 – ${formatValue(v, fmt)}`;
      // Empty cells are a faint outline; others shade with their share of the max.
      const opacity = v === null ? 0.04 : (0.12 + 0.88 * (Math.abs(v) / max)).toFixed(3);
      out.push(
        `<rect class="wd-heatmap-cell wd-c0" x="${x + 1}" y="${y + 1}" width="${cell - 2}" ` +
          `height="${cell - 2}" rx="3" fill="currentColor" fill-opacity="${opacity}" ` +
          `data-day="${row.day}" data-hour="${hour}"><title>${escape(tip)}</title></rect>`,
      );
    });
  });
  out.push(
    `<text x="${left}" y="${h - 5}" font-size="10">0</text>` +
      `<text x="${w - 4}" y="${h - 5}" font-size="10" text-anchor="end">max ${escape(formatValue(max, fmt))}</text>`,
  );
  out.push("</svg></div>");
  return out.join("");
}
