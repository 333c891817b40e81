"""Unit tests of the chart logic; run with `python3 -m unittest test_bullet`."""

import json
import unittest

import bullet


def cfg(**kw):
    return bullet.parse_config(json.dumps(kw))


class ConfigTest(unittest.TestCase):
    def test_defaults_and_required_target(self):
        c = cfg(target=100, metric="orders")
        self.assertEqual(c["target"], 100.0)
        self.assertTrue(c["show_previous"])
        with self.assertRaisesRegex(bullet.ConfigError, "`target` is required"):
            cfg()

    def test_bad_values_name_the_key(self):
        for bad, msg in [
            ({"target": "x"}, "`target` must be a number"),
            ({"target": 1, "band_low": 5}, "set both"),
            ({"target": 1, "band_low": 5, "band_high": 2}, "must not be below"),
            ({"target": 1, "colour": "red"}, "unknown key `colour`"),
            ({"target": 1, "max": 0}, "`max` must be above 0"),
        ]:
            with self.assertRaisesRegex(bullet.ConfigError, msg):
                bullet.parse_config(json.dumps(bad))
        with self.assertRaisesRegex(bullet.ConfigError, "not JSON"):
            bullet.parse_config("{")


class RenderTest(unittest.TestCase):
    def test_bar_band_target_and_previous(self):
        c = cfg(target=100, band_low=80, band_high=120, max=200)
        html = bullet.render(c, "Orders", 50.0, 40.0, ("number", "", None), 208)
        self.assertIn('aria-label="Orders: 50 (target 100)"', html)
        # 192 px of track for 0..200: the value bar is 48 px wide, the band
        # runs from 84.8 to 123.2, the target tick sits at x=104.
        self.assertIn('class="wd-bullet-value wd-c0" x="8" y="18" width="48"', html)
        self.assertIn('x="84.8" y="8" width="38.4"', html)
        self.assertIn('x1="104"', html)
        self.assertIn("previous period 40", html)

    def test_escapes_the_title_and_formats_currency(self):
        c = cfg(target=10, title="<b>&")
        html = bullet.render(c, "x", 1234.5, None, ("currency", "USD", None), 300)
        self.assertIn("&lt;b&gt;&amp;", html)
        self.assertNotIn("<b>", html)
        self.assertIn("$1,234.50", html)
        self.assertNotIn("previous period", html)

    def test_no_value_is_an_empty_state(self):
        html = bullet.render(cfg(target=1), "Orders", None, None, ("number", "", None), 300)
        self.assertIn("No data for this range", html)


if __name__ == "__main__":
    unittest.main()
