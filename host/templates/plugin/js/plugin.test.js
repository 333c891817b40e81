// Unit tests of plugin.js, run natively by build.sh before building.

import assert from "node:assert/strict";
import { test } from "node:test";

import * as plugin from "./plugin.js";

test("draws the value and the bar", () => {
  const cfg = plugin.parseConfig('{"metric": "orders", "goal": 200}');
  const svg = plugin.render(cfg, "Orders", 50, 216);
  assert.match(svg, /<svg/);
  assert.match(svg, />50</);
  // A quarter of the goal fills a quarter of the 200 px track.
  assert.match(svg, /width="50.0"/);
});

test("no data", () => {
  assert.match(plugin.render(plugin.parseConfig(""), "Orders", undefined, 300), /No data/);
});

test("refuses a bad goal", () => {
  assert.throws(() => plugin.parseConfig('{"goal": 0}'), plugin.WidgetError);
});
