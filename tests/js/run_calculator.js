// Runs docs/assets/calculator.js (the file the calculator page loads) on a batch of cases.
// stdin: {"data": {"messages", "axes"}, "text": {"zh", "en"}, "cases": [kwargs...],
// "units": [["i", "j"], ...], "numbers": ["123", ...]}, where values are tagged so that Python's
// types survive JSON: {"i": "12"} int, {"f": "2.5"} float, {"t": [...]} tuple; JSON lists,
// strings, booleans and null stand for themselves. "text" holds the page's words per language,
// "units" the selected output unit per case (optional).
// stdout: one entry per case, {"code", "zh", "en"} for a rejected geometry, or the counts as
// decimal strings with, when "units" is given, the page's result lines in both languages
// ("lines": {"zh", "en"}) and the figure's cells ("cells"); and fmt() of every number.
"use strict";
const path = require("path");
// CALCULATOR_JS: another copy of the file (bench/mutation.py runs mutants of it).
const calc = require(process.env.CALCULATOR_JS || path.join(__dirname, "..", "..", "docs", "assets", "calculator.js"));

function decode(v) {
  if (Array.isArray(v)) return v.map(decode);
  if (v === null || typeof v !== "object") return v;
  if ("i" in v) return BigInt(v.i);
  if ("f" in v) return { nan: NaN, inf: Infinity, "-inf": -Infinity }[v.f] ?? Number(v.f);
  const t = v.t.map(decode);
  t.tuple = true;
  return t;
}

const str = (x) => (Array.isArray(x) ? x.map(str) : typeof x === "bigint" ? String(x) : x);
let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const batch = JSON.parse(input);
  const results = batch.cases.map((c, n) => {
    const args = {};
    for (const k in c) args[k] = decode(c[k]);
    const r = calc.conv2d(args);
    if (r.error) {
      return { code: r.error.code, zh: calc.message(r.error, "zh", batch.data), en: calc.message(r.error, "en", batch.data) };
    }
    const keys = ["out", "unused", "pads", "neurons", "shared", "unshared", "positions", "macs", "wpf"];
    const out = Object.fromEntries(keys.map((k) => [k, str(r[k])]));
    if (batch.units) {
      const unit = batch.units[n].map(BigInt);
      out.lines = { zh: calc.lines(r, batch.text.zh, unit), en: calc.lines(r, batch.text.en, unit) };
      out.cells = calc.cells(r, unit);
    }
    return out;
  });
  const numbers = batch.numbers.map((n) => calc.fmt(BigInt(n)));
  process.stdout.write(JSON.stringify({ results, numbers }));
});
