// {{name}}: a scalar metric as a number and a bar towards a goal.
// Plain JavaScript with no WIT imports, so `node --test` tests it on the
// host; widget.js adapts it to the `wasmdash:plugin` widget world.

export const ID = "{{id}}";
export const NAME = "{{name}}";
export const VERSION = "0.1.0";
export const DESCRIPTION = "A value and a bar towards a goal.";

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
    goal: {
      type: "number",
      title: "Goal",
      description: "The value the bar fills up to.",
      default: 100,
      exclusiveMinimum: 0,
    },
  },
  required: ["metric"],
};

/** A refusal mapped to a WIT plugin-error case. */
export class WidgetError extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind;
  }
}

/** The config with defaults filled in, or a WidgetError. */
export function parseConfig(text) {
  let cfg;
  try {
    cfg = text.trim() ? JSON.parse(text) : {};
  } catch (e) {
    throw new WidgetError("invalid-config", `config is not JSON: ${e.message}`);
  }
  if (cfg === null || typeof cfg !== "object" || Array.isArray(cfg)) {
    throw new WidgetError("invalid-config", "config must be a JSON object");
  }
  const goal = cfg.goal ?? 100;
  if (typeof goal !== "number" || !(goal > 0)) {
    throw new WidgetError("invalid-config", "goal must be a number above 0");
  }
  return { goal };
}

function escape(text) {
  return String(text)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** The widget's SVG for `value` (undefined when there is no data). */
export function render(cfg, label, value, width) {
  if (value === undefined || value === null || !Number.isFinite(value)) {
    return `<p class="wd-empty">No data for ${escape(label)}</p>`;
  }
  const w = Math.max(120, Math.min(Math.trunc(width), 1200));
  const bar = (w - 16) * Math.max(0, Math.min(value / cfg.goal, 1));
  const text = value.toLocaleString("en-US", { maximumFractionDigits: 2 });
  return (
    `<svg class="wd-${ID}" viewBox="0 0 ${w} 64" role="img" aria-label="${escape(label)}: ${text}">` +
    `<text class="wd-value" x="8" y="28">${text}</text>` +
    `<rect class="wd-c7" x="8" y="40" width="${w - 16}" height="12" fill="currentColor" fill-opacity="0.2"/>` +
    `<rect class="wd-c0" x="8" y="40" width="${bar.toFixed(1)}" height="12" fill="currentColor"/>` +
    "</svg>"
  );
}
