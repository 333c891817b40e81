// Unit tests of the heatmap logic; run with `node --test`.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as heatmap from "./heatmap.js";

const HOUR = 3_600_000;
// Monday 2025-01-06 00:00 UTC.
const MONDAY = Date.UTC(2025, 0, 6);

test("config defaults and errors name the key", () => {
  assert.deepEqual(heatmap.parseConfig('{"metric":"orders","bucket":"hour"}'), {
    title: "",
    combine: "sum",
    weekStarts: "monday",
  });
  assert.throws(() => heatmap.parseConfig('{"combine":"max"}'), /`combine` must be one of sum, mean/);
  assert.throws(() => heatmap.parseConfig('{"bucket":"day"}'), /`bucket` must be one of hour/);
  assert.throws(() => heatmap.parseConfig('{"colour":1}'), /unknown key `colour`/);
  assert.throws(() => heatmap.parseConfig("[1]"), /JSON object/);
  assert.throws(() => heatmap.parseConfig("{"), /not JSON/);
});

test("points land in their weekday and hour, in the dashboard's timezone", () => {
  const cfg = heatmap.parseConfig('{"combine":"mean"}');
  // Monday 09:00 UTC twice (a week apart) and Tuesday 23:00 UTC, as bigints.
  const ts = [MONDAY + 9 * HOUR, MONDAY + 7 * 24 * HOUR + 9 * HOUR, MONDAY + 47 * HOUR].map(BigInt);
  const rows = heatmap.grid(cfg, ts, [2, 4, 7], [], 0);
  assert.equal(rows[0].day, "Mon");
  assert.equal(rows[0].cells[9], 3);
  assert.equal(rows[1].cells[23], 7);
  // UTC+2: Tuesday 23:00 UTC is Wednesday 01:00.
  const shifted = heatmap.grid(cfg, ts, [2, 4, 7], [false, false, false], 120);
  assert.equal(shifted[2].cells[1], 7);
  // Nulls are skipped; a Sunday-first week puts Sunday on top.
  const sunday = heatmap.grid({ ...cfg, weekStarts: "sunday" }, ts, [2, 4, 7], [true, false, true], 0);
  assert.equal(sunday[0].day, "Sun");
  assert.equal(sunday[1].cells[9], 4);
});

test("renders 168 cells, escaped, with the largest value in the legend", () => {
  const cfg = heatmap.parseConfig('{"title":"<Orders>"}');
  const rows = heatmap.grid(cfg, [BigInt(MONDAY + 3 * HOUR)], [1234.5], [], 0);
  const html = heatmap.render(cfg, "ignored", rows, { kind: "currency", unit: "USD" });
  assert.equal(html.match(/<rect /g).length, 168);
  assert.ok(html.includes("&lt;Orders&gt;"));
  assert.ok(!html.includes("<Orders>"));
  assert.ok(html.includes("max $1,234.50"));
  assert.ok(html.includes("Mon 03:00 – $1,234.50"));
  assert.ok(heatmap.render(cfg, "x", heatmap.grid(cfg, [], [], [], 0), {}).includes("No data"));
});

test("numbers are grouped without Intl", () => {
  assert.equal(heatmap.fixed(1234567.891, 2), "1,234,567.89");
  assert.equal(heatmap.fixed(-0.001, 2), "0.00");
  assert.equal(heatmap.fixed(-12.5, 1), "-12.5");
  assert.equal(heatmap.formatValue(0.052, { kind: "percent", unit: "" }), "5.2%");
  assert.equal(heatmap.formatValue(3, { kind: "number", unit: "ms" }), "3 ms");
});
