// The WIT side of the heatmap: the `widget-plugin` interface of the
// `wasmdash:plugin` widget world. componentize-js exports the object named
// after the interface; throwing `{ tag, val }` returns the WIT plugin-error.

import * as heatmap from "./heatmap.js";

function pluginError(tag, val) {
  return { tag, val };
}

export const widgetPlugin = {
  describe() {
    return {
      id: heatmap.ID,
      name: heatmap.NAME,
      version: heatmap.VERSION,
      description: heatmap.DESCRIPTION,
      dataShape: "series",
      configSchema: JSON.stringify(heatmap.CONFIG_SCHEMA),
    };
  },

  render(config, data, context) {
    try {
      const cfg = heatmap.parseConfig(config);
      if (data.tag !== "series") {
        throw new heatmap.WidgetError("invalid-data", "the heatmap needs series data");
      }
      const s = data.val;
      if (s.bucket !== "hour") {
        throw new heatmap.WidgetError(
          "invalid-data",
          `the heatmap needs hourly points, got ${s.bucket} buckets: set "bucket": "hour"`,
        );
      }
      const { timestamps, values, nulls } = s.points;
      const rows = heatmap.grid(cfg, timestamps, values, nulls, context.utcOffsetMinutes);
      return heatmap.render(cfg, s.label, rows, s.format);
    } catch (e) {
      if (e instanceof heatmap.WidgetError) throw pluginError(e.kind, e.message);
      // A bug here must be an error the host can show, not a trap.
      throw pluginError("internal", `${e?.name ?? "Error"}: ${e?.message ?? e}`);
    }
  },
};
