"""Unit tests of plugin.py, run natively by build.sh before building."""

import unittest

import plugin


class PluginTest(unittest.TestCase):
    def test_draws_the_value_and_the_bar(self):
        cfg = plugin.parse_config('{"metric": "orders", "goal": 200}')
        svg = plugin.render(cfg, "Orders", 50.0, 216)
        self.assertIn("<svg", svg)
        self.assertIn(">50<", svg)
        # A quarter of the goal fills a quarter of the 200 px track.
        self.assertIn('width="50.0"', svg)

    def test_no_data(self):
        cfg = plugin.parse_config("")
        self.assertIn("No data", plugin.render(cfg, "Orders", None, 300))

    def test_refuses_a_bad_goal(self):
        with self.assertRaises(plugin.ConfigError):
            plugin.parse_config('{"goal": 0}')


if __name__ == "__main__":
    unittest.main()
