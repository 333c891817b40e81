"""The WIT side of {{name}}: `describe` and `render` of the
`wasmdash:plugin` widget world. componentize-py looks up the class named
after the exported interface; `plugin.py` holds the logic."""

import json

import plugin
from componentize_py_types import Err
from wit_world import exports
from wit_world.exports import widget_plugin
from wit_world.imports import types


class WidgetPlugin(exports.WidgetPlugin):
    def describe(self) -> widget_plugin.WidgetInfo:
        return widget_plugin.WidgetInfo(
            id=plugin.ID,
            name=plugin.NAME,
            version=plugin.VERSION,
            description=plugin.DESCRIPTION,
            data_shape=types.DataShape.SCALAR,
            config_schema=json.dumps(plugin.CONFIG_SCHEMA),
        )

    def render(
        self, config: str, data: types.WidgetData, context: widget_plugin.RenderContext
    ) -> str:
        try:
            cfg = plugin.parse_config(config)
        except plugin.ConfigError as e:
            raise Err(types.PluginError_InvalidConfig(str(e)))
        if not isinstance(data, types.WidgetData_Scalar):
            raise Err(types.PluginError_InvalidData("this widget needs scalar data"))
        try:
            return plugin.render(cfg, data.value.label, data.value.value, context.width)
        except Exception as e:  # a bug here must be an error, not a trap
            raise Err(types.PluginError_Internal(f"{type(e).__name__}: {e}"))
