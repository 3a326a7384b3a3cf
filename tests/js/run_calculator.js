// Runs docs/assets/calculator.js (the file the calculator page loads) on a batch of cases.
// stdin: {"data": {"messages", "axes"}, "cases": [kwargs...], "numbers": ["123", ...]}, where
// values are tagged so that Python's types survive JSON: {"i": "12"} int, {"f": "2.5"} float,
// {"t": [...]} tuple; JSON lists, strings, booleans and null stand for themselves.
// stdout: one entry per case, {"code", "zh", "en"} for a rejected geometry or the counts as
// decimal strings; and fmt() of every number.
"use strict";
const path = require("path");
const calc = require(path.join(__dirname, "..", "..", "docs", "assets", "calculator.js"));

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
  const results = batch.cases.map((c) => {
    const args = {};
    for (const k in c) args[k] = decode(c[k]);
    const r = calc.conv2d(args);
    if (r.error) {
      return { code: r.error.code, zh: calc.message(r.error, "zh", batch.data), en: calc.message(r.error, "en", batch.data) };
    }
    const keys = ["out", "unused", "pads", "neurons", "shared", "unshared", "positions", "macs", "wpf"];
    return Object.fromEntries(keys.map((k) => [k, str(r[k])]));
  });
  const numbers = batch.numbers.map((n) => calc.fmt(BigInt(n)));
  process.stdout.write(JSON.stringify({ results, numbers }));
});
