"""A bullet chart: the metric's value as a bar over a track, the target band
shaded, the target as a tick and the previous period as a thin marker.

Pure Python with no WIT imports, so `python3 -m unittest` tests it on the
host; `app.py` adapts it to the `wasmdash:plugin` widget world.
"""

import json
import math

ID = "bullet-chart"
NAME = "Bullet chart (Python)"
VERSION = "0.1.0"
DESCRIPTION = "A value against its target band and target, with the previous period."

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
        "title": {
            "type": "string",
            "title": "Title",
            "description": "Empty uses the metric's label.",
            "default": "",
        },
        "target": {
            "type": "number",
            "title": "Target",
            "description": "The value to reach; drawn as a tick.",
        },
        "band_low": {
            "type": "number",
            "title": "Band from",
            "description": "Lower end of the acceptable band (shaded).",
        },
        "band_high": {
            "type": "number",
            "title": "Band to",
            "description": "Upper end of the acceptable band (shaded).",
        },
        "max": {
            "type": "number",
            "title": "Scale maximum",
            "description": "Right end of the scale; empty fits the values.",
        },
        "show_previous": {
            "type": "boolean",
            "title": "Show previous period",
            "default": True,
        },
    },
    "required": ["target"],
}

# Keys the host reads for its own use (which metric feeds the widget).
_HOST_KEYS = {"metric", "sparkline"}


class ConfigError(ValueError):
    """The JSON config does not match the schema."""


def _number(cfg, key, required=False):
    value = cfg.get(key)
    if value is None:
        if required:
            raise ConfigError(f"`{key}` is required")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"`{key}` must be a number")
    if not math.isfinite(value):
        raise ConfigError(f"`{key}` must be finite")
    return float(value)


def parse_config(text):
    """The checked config as a dict, or ConfigError naming the bad key."""
    try:
        cfg = json.loads(text) if text.strip() else {}
    except ValueError as e:
        raise ConfigError(f"not JSON: {e}") from None
    if not isinstance(cfg, dict):
        raise ConfigError("must be a JSON object")
    known = set(CONFIG_SCHEMA["properties"]) | _HOST_KEYS
    unknown = sorted(set(cfg) - known)
    if unknown:
        raise ConfigError(f"unknown key `{unknown[0]}`")
    title = cfg.get("title", "")
    if not isinstance(title, str):
        raise ConfigError("`title` must be a string")
    show_previous = cfg.get("show_previous", True)
    if not isinstance(show_previous, bool):
        raise ConfigError("`show_previous` must be true or false")
    out = {
        "title": title,
        "target": _number(cfg, "target", required=True),
        "band_low": _number(cfg, "band_low"),
        "band_high": _number(cfg, "band_high"),
        "max": _number(cfg, "max"),
        "show_previous": show_previous,
    }
    low, high = out["band_low"], out["band_high"]
    if (low is None) != (high is None):
        raise ConfigError("set both `band_low` and `band_high`, or neither")
    if low is not None and high < low:
        raise ConfigError("`band_high` must not be below `band_low`")
    if out["max"] is not None and out["max"] <= 0:
        raise ConfigError("`max` must be above 0")
    return out


def escape(text):
    """Text safe inside HTML elements and double-quoted attributes."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def format_value(v, kind="number", unit="", decimals=None):
    """en-US style like the Rust SDK: 1,234.5; percent; currency; duration."""
    if v is None or not math.isfinite(v):
        return "–"
    if kind == "percent":
        return f"{v * 100:,.{1 if decimals is None else decimals}f}%"
    if decimals is None:
        decimals = 0 if float(v).is_integer() else 2
    text = f"{v:,.{decimals}f}"
    if kind == "currency":
        symbols = {"USD": "$", "EUR": "€", "GBP": "£"}
        return f"{symbols[unit]}{text}" if unit in symbols else f"{text} {unit}".strip()
    return f"{text} {unit}".strip() if unit else text


def _n(v):
    """A coordinate rounded to 0.01 without trailing zeros."""
    text = f"{round(v, 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def render(cfg, label, value, previous, fmt, width):
    """The widget's HTML: a title and one SVG. `fmt` is (kind, unit, decimals)."""
    title = cfg["title"] or label
    if value is None or not math.isfinite(value):
        return (
            f'<div class="wd-widget wd-empty"><div class="wd-title">{escape(title)}</div>'
            '<p class="wd-empty-message">No data for this range</p></div>'
        )
    target = cfg["target"]
    low, high = cfg["band_low"], cfg["band_high"]
    shown_previous = previous if cfg["show_previous"] and previous is not None else None
    scale_max = cfg["max"]
    if scale_max is None:
        candidates = [v for v in (value, target, high, shown_previous) if v is not None]
        scale_max = max(max(candidates) * 1.1, 1e-9)
    w = max(min(int(width or 320), 1200), 160)
    h, left, right, bar_y, bar_h = 64, 8, 8, 18, 14
    track_w = w - left - right

    def x(v):
        return left + track_w * min(max(v, 0.0) / scale_max, 1.0)

    value_text = format_value(value, *fmt)
    target_text = format_value(target, *fmt)
    label_text = f"{title}: {value_text} (target {target_text})"
    parts = [
        '<div class="wd-widget wd-bullet">',
        f'<div class="wd-title">{escape(title)}</div>',
        f'<svg class="wd-chart" viewBox="0 0 {w} {h}" preserveAspectRatio="xMidYMid meet" '
        f'role="img" aria-label="{escape(label_text)}"><title>{escape(label_text)}</title>',
        f'<rect class="wd-bullet-track" x="{left}" y="8" width="{_n(track_w)}" height="34" '
        'fill="currentColor" fill-opacity="0.08"/>',
    ]
    if low is not None:
        parts.append(
            f'<rect class="wd-bullet-band wd-c2" x="{_n(x(low))}" y="8" '
            f'width="{_n(x(high) - x(low))}" height="34" fill="currentColor" fill-opacity="0.25">'
            f"<title>target band {escape(format_value(low, *fmt))} – "
            f"{escape(format_value(high, *fmt))}</title></rect>"
        )
    parts.append(
        f'<rect class="wd-bullet-value wd-c0" x="{left}" y="{bar_y}" '
        f'width="{_n(x(value) - left)}" height="{bar_h}" fill="currentColor"/>'
    )
    if shown_previous is not None:
        px = _n(x(shown_previous))
        parts.append(
            f'<line class="wd-bullet-previous wd-previous" x1="{px}" y1="14" x2="{px}" y2="36" '
            'stroke="currentColor" stroke-width="2" stroke-dasharray="3 2">'
            f"<title>previous period {escape(format_value(shown_previous, *fmt))}</title></line>"
        )
    tx = _n(x(target))
    parts.append(
        f'<line class="wd-bullet-target" x1="{tx}" y1="10" x2="{tx}" y2="40" '
        'stroke="currentColor" stroke-width="3"/>'
    )
    parts.append(
        f'<text class="wd-bullet-label" x="{left}" y="58" font-size="12">{escape(value_text)}</text>'
        f'<text class="wd-bullet-label" x="{w - right}" y="58" font-size="12" '
        f'text-anchor="end">target {escape(target_text)}</text>'
    )
    parts.append("</svg></div>")
    return "".join(parts)
