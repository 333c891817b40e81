"""{{name}}: a scalar metric as a number and a bar towards a goal.

Plain Python with no WIT imports, so `python3 -m unittest` tests it on the
host; `app.py` adapts it to the `wasmdash:plugin` widget world.
"""

import json
import math

ID = "{{id}}"
NAME = "{{name}}"
VERSION = "0.1.0"
DESCRIPTION = "A value and a bar towards a goal."

CONFIG_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": NAME,
    "type": "object",
    "properties": {
        "metric": {
            "type": "string",
            "title": "Metric",
            "description": "The metric to show.",
            "x-wasmdash": "metric",
        },
        "goal": {
            "type": "number",
            "title": "Goal",
            "description": "The value the bar fills up to.",
            "default": 100,
            "exclusiveMinimum": 0,
        },
    },
    "required": ["metric"],
}


class ConfigError(ValueError):
    """The config does not fit the schema."""


def parse_config(text):
    """The config as a dict with defaults filled in, or ConfigError."""
    try:
        cfg = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as e:
        raise ConfigError(f"config is not JSON: {e}")
    if not isinstance(cfg, dict):
        raise ConfigError("config must be a JSON object")
    goal = cfg.get("goal", 100)
    if not isinstance(goal, (int, float)) or isinstance(goal, bool) or not goal > 0:
        raise ConfigError("goal must be a number above 0")
    return {"goal": float(goal)}


def escape(text):
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )


def shown(value):
    """`1234.5` as `1,234.5`, whole numbers without decimals."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def render(cfg, label, value, width):
    """The widget's SVG for `value` (None when there is no data)."""
    if value is None or not math.isfinite(value):
        return f'<p class="wd-empty">No data for {escape(label)}</p>'
    width = max(120, min(int(width), 1200))
    bar = (width - 16) * max(0.0, min(value / cfg["goal"], 1.0))
    text = shown(value)
    return (
        f'<svg class="wd-{ID}" viewBox="0 0 {width} 64" role="img" '
        f'aria-label="{escape(label)}: {text}">'
        f'<text class="wd-value" x="8" y="28">{text}</text>'
        f'<rect class="wd-c7" x="8" y="40" width="{width - 16}" height="12" '
        f'fill="currentColor" fill-opacity="0.2"/>'
        f'<rect class="wd-c0" x="8" y="40" width="{bar:.1f}" height="12" fill="currentColor"/>'
        "</svg>"
    )
