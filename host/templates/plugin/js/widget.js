// The WIT side of {{name}}: the `widget-plugin` interface of the
// `wasmdash:plugin` widget world. componentize-js exports the object named
// after the interface; throwing `{ tag, val }` returns the WIT plugin-error.
// plugin.js holds the logic.

import * as plugin from "./plugin.js";

export const widgetPlugin = {
  describe() {
    return {
      id: plugin.ID,
      name: plugin.NAME,
      version: plugin.VERSION,
      description: plugin.DESCRIPTION,
      dataShape: "scalar",
      configSchema: JSON.stringify(plugin.CONFIG_SCHEMA),
    };
  },

  render(config, data, context) {
    try {
      const cfg = plugin.parseConfig(config);
      if (data.tag !== "scalar") {
        throw new plugin.WidgetError("invalid-data", "this widget needs scalar data");
      }
      return plugin.render(cfg, data.val.label, data.val.value, context.width);
    } catch (e) {
      if (e instanceof plugin.WidgetError) throw { tag: e.kind, val: e.message };
      // A bug here must be an error the host can show, not a trap.
      throw { tag: "internal", val: `${e?.name ?? "Error"}: ${e?.message ?? e}` };
    }
  },
};
