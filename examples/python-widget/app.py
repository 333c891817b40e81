"""The WIT side of the bullet chart: `describe` and `render` of the
`wasmdash:plugin` widget world, mapping data and errors to WIT types.
componentize-py looks up the class named after the exported interface."""

import json

import bullet
from componentize_py_types import Err
from wit_world import exports
from wit_world.exports import widget_plugin
from wit_world.imports import types


class WidgetPlugin(exports.WidgetPlugin):
    def describe(self) -> widget_plugin.WidgetInfo:
        return widget_plugin.WidgetInfo(
            id=bullet.ID,
            name=bullet.NAME,
            version=bullet.VERSION,
            description=bullet.DESCRIPTION,
            data_shape=types.DataShape.SCALAR,
            config_schema=json.dumps(bullet.CONFIG_SCHEMA),
        )

    def render(
        self, config: str, data: types.WidgetData, context: widget_plugin.RenderContext
    ) -> str:
        try:
            cfg = bullet.parse_config(config)
        except bullet.ConfigError as e:
            raise Err(types.PluginError_InvalidConfig(str(e)))
        if not isinstance(data, types.WidgetData_Scalar):
            raise Err(types.PluginError_InvalidData("the bullet chart needs scalar data"))
        s = data.value
        fmt = (s.format.kind.name.lower(), s.format.unit, s.format.decimals)
        try:
            return bullet.render(cfg, s.label, s.value, s.previous, fmt, context.width)
        except Exception as e:  # a bug here must be an error, not a trap
            raise Err(types.PluginError_Internal(f"{type(e).__name__}: {e}"))
