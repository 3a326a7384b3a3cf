/* Conv layer calculator: convshare.conv2d's rules (convshare/_conv.py), check for check; tested
   against the package in Node (tests/test_calculator_parity.py). Python values: int = BigInt,
   float = Number, bool, str, None = null, list = Array, tuple = Array with `tuple` set. */
(function () {
"use strict";

const hex = (c, n) => c.toString(16).padStart(n, "0");

function reprStr(s) { // Python's repr() of a str
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let o = q;
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (ch === q || ch === "\\") o += "\\" + ch;
    else if (ch === "\t") o += "\\t";
    else if (ch === "\n") o += "\\n";
    else if (ch === "\r") o += "\\r";
    else if (c < 32 || c === 127 || (c > 127 && /[\p{C}\p{Z}]/u.test(ch)))
      o += c < 256 ? "\\x" + hex(c, 2) : c < 65536 ? "\\u" + hex(c, 4) : "\\U" + hex(c, 8);
    else o += ch;
  }
  return o + q;
}

function reprFloat(x) { // Python's repr() of a float
  if (x !== x) return "nan";
  if (!isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return 1 / x < 0 ? "-0.0" : "0.0";
  let [m, e] = x.toExponential().split("e"), sign = "";
  if (m[0] === "-") { sign = "-"; m = m.slice(1); }
  const g = m.replace(".", "");
  e = +e;
  if (e < -4 || e >= 16)
    return sign + g[0] + (g.length > 1 ? "." + g.slice(1) : "") + "e" + (e < 0 ? "-" : "+") + String(Math.abs(e)).padStart(2, "0");
  if (e < 0) return sign + "0." + "0".repeat(-e - 1) + g;
  return sign + (g.length > e + 1 ? g.slice(0, e + 1) + "." + g.slice(e + 1) : g.padEnd(e + 1, "0") + ".0");
}

function repr(v) {
  if (typeof v === "bigint") return String(v);
  if (typeof v === "number") return reprFloat(v);
  if (typeof v === "boolean") return v ? "True" : "False";
  if (v === null) return "None";
  if (typeof v === "string") return reprStr(v);
  const s = v.map(repr).join(", ");
  return v.tuple ? "(" + s + (v.length === 1 ? ",)" : ")") : "[" + s + "]";
}

class GeometryError { constructor(code, fields) { this.code = code; this.fields = fields; } }
const fail = (code, fields) => { throw new GeometryError(code, fields); };
const isInt = (v) => typeof v === "bigint";

function checkInt(name, v, min) {
  if (!isInt(v)) fail("not_integer", { name, value: repr(v) });
  if (v < min) fail(min > 0n ? "not_positive" : "negative", { name, value: v });
  return v;
}

function pair(name, v, min = 1n) {
  if (Array.isArray(v)) {
    if (v.length !== 2) fail("bad_pair", { name, value: repr(v) });
    return [checkInt(name, v[0], min), checkInt(name, v[1], min)];
  }
  if (!isInt(v)) fail("bad_pair", { name, value: repr(v) });
  checkInt(name, v, min);
  return [v, v];
}

function padding(p, k, s, d) {
  if (typeof p === "string") {
    if (p === "valid") return [[0n, 0n], [0n, 0n]];
    if (p !== "same") fail("bad_padding", { value: repr(p) });
    if (s[0] !== 1n || s[1] !== 1n) {
      const t = s.slice(); t.tuple = true;
      fail("same_strided", { value: repr(s[0] === s[1] ? s[0] : t) });
    }
    return k.map((kk, i) => { const t = d[i] * (kk - 1n); return [t / 2n, t - t / 2n]; });
  }
  const q = pair("padding", p, 0n);
  return [[q[0], q[0]], [q[1], q[1]]];
}

function compute(a) {
  const dflt = (v, x) => (v === undefined ? x : v);
  const size = pair("input_size", a.input_size);
  const cin = checkInt("in_channels", a.in_channels, 1n);
  const cout = checkInt("out_channels", a.out_channels, 1n);
  const g = checkInt("groups", dflt(a.groups, 1n), 1n);
  const k = pair("kernel_size", a.kernel_size);
  const s = pair("stride", dflt(a.stride, 1n));
  const d = pair("dilation", dflt(a.dilation, 1n));
  const bias = dflt(a.bias, true);
  if (typeof bias !== "boolean") fail("not_bool", { name: "bias", value: repr(bias) });
  const pads = padding(dflt(a.padding, 0n), k, s, d);
  if (cin % g) fail("groups_in", { in_channels: cin, groups: g });
  if (cout % g) fail("groups_out", { out_channels: cout, groups: g });
  const r = { size, cin, cout, g, bias, k, s, d, pads, out: [], unused: [], extent: [], padded: [] };
  for (const i of [0, 1]) {
    const padded = size[i] + pads[i][0] + pads[i][1], extent = d[i] * (k[i] - 1n) + 1n;
    const span = padded - extent;
    if (span < 0n)
      fail("kernel_too_large", { extent, index: i, padded, size: size[i], pad: pads[i][0] + pads[i][1] });
    const out = span / s[i] + 1n;
    r.out.push(out); r.extent.push(extent); r.padded.push(padded);
    r.unused.push(padded - ((out - 1n) * s[i] + extent));
  }
  r.positions = r.out[0] * r.out[1];
  r.neurons = r.positions * cout;
  r.wpf = k[0] * k[1] * (cin / g);
  r.ppf = r.wpf + (bias ? 1n : 0n);
  r.shared = cout * r.ppf;
  r.unshared = r.positions * r.shared;
  r.macs = r.neurons * r.wpf;
  return r;
}

/** conv2d(args) -> result, or {error: {code, fields}} for a geometry the package rejects. */
function conv2d(a) {
  try { return compute(a); } catch (e) {
    if (e instanceof GeometryError) return { error: e };
    throw e;
  }
}

/** The package's message for `error` in `lang`; data = {messages, axes} exported by the page. */
function message(error, lang, data) {
  const f = Object.assign({}, error.fields);
  if (error.code === "kernel_too_large") [f.axis, f.axis_zh] = data.axes[f.index];
  return data.messages[error.code][lang === "zh" ? "zh" : "en"].replace(/\{(\w+)\}/g, (_, n) => String(f[n]));
}

const fmt = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** A field's text read as a Python literal would be: int, float or else the string itself. */
function parse(t) {
  const s = t.trim();
  if (/^[+-]?\d+$/.test(s)) return BigInt(s);
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return Number(s);
  return t;
}

const N = (s, ...v) => s.reduce((a, t, i) => a + fmt(v[i - 1]) + t); // every number with separators
const say = (t, o) => t.replace(/\{(\w+)\}/g, (_, n) => fmt(o[n]));

function formula(r, i, T) {
  const [n, k, s, d, [pb, pa]] = [r.size[i], r.k[i], r.s[i], r.d[i], r.pads[i]];
  const p = pb === pa ? "2·" + pb : pb + " + " + pa;
  const top = d === 1n ? N`${n} − ${k} + ${p}` : N`${n} + ${p} − ${d}·(${k} − 1) − 1`;
  let t = N`${T.axes[i]} = ⌊(${top}) / ${s}⌋ + 1 = ⌊${r.padded[i] - r.extent[i]} / ${s}⌋ + 1 = ${r.out[i]}`;
  if (r.unused[i]) t += " " + say(T.unused[i], { n: r.unused[i] });
  return t;
}

/** The selected output unit, kept inside the output. */
const clamp = (r, unit) => unit.map((u, i) => (u < r.out[i] ? u : r.out[i] - 1n));

/** Every line of the result for layer r (from conv2d) in the page's words T, as
    convshare._calculator.calculator_lines renders them. */
function lines(r, T, unit) {
  const [oh, ow] = r.out, ch = r.g === 1n ? r.cin : N`(${r.cin}/${r.g})`;
  const [i, j] = clamp(r, unit), [r0, c0] = [i * r.s[0], j * r.s[1]];
  return {
    out: N`${oh} × ${ow} × ${r.cout}`,
    neurons: N`${r.neurons} = ${oh} × ${ow} × ${r.cout}`,
    shared: N`${r.shared} = ${r.cout} × (${r.k[0]} × ${r.k[1]} × ${ch}${r.bias ? " + 1" : ""})`,
    unshared: N`${r.unshared} = ${r.positions} × ${r.shared}`,
    ratio: N`${r.positions} = ${oh} × ${ow}`,
    macs: N`${r.macs} = ${r.neurons} × ${r.wpf}`,
    fh: formula(r, 0, T), fw: formula(r, 1, T),
    rf: say(T.rf, { i, j, r0, r1: r0 + r.extent[0] - 1n, c0, c1: c0 + r.extent[1] - 1n,
      kh: r.k[0], kw: r.k[1], ch: r.cin / r.g, n: r.wpf }),
  };
}

const LIMIT = 32n; // the figure is drawn up to this many cells a side

/** The figure's cells for the selected unit, in padded-input coordinates, or null when the
    layer is too large to draw, as convshare._calculator.calculator_cells gives them. */
function cells(r, unit) {
  if ([...r.padded, ...r.out].some((v) => v > LIMIT)) return null;
  const [i, j] = clamp(r, unit).map(Number);
  const [KH, KW, sh, sw, dh, dw] = [...r.k, ...r.s, ...r.d].map(Number);
  const [H, W, uh, uw, ih, iw] = [...r.padded, ...r.unused, ...r.size].map(Number);
  const rows = new Set(), cols = new Set();
  for (let m = 0; m < KH; m++) rows.add(i * sh + m * dh);
  for (let m = 0; m < KW; m++) cols.add(j * sw + m * dw);
  const up = (a, b) => a - b, taps = [];
  for (const y of [...rows].sort(up)) for (const x of [...cols].sort(up)) taps.push([y, x]);
  return {
    taps, window: [i * sh, j * sw, ...r.extent.map(Number)],
    padding: H * W - ih * iw, uncovered: H * W - (H - uh) * (W - uw), unit: [i, j],
  };
}

if (typeof module !== "undefined" && module.exports) module.exports = { conv2d, message, repr, fmt, parse, lines, cells };
if (typeof document === "undefined") return;

/* The page. */
const root = document.getElementById("calc");
if (!root) return;
const $ = (id) => document.getElementById("calc-" + id);
const json = (id) => JSON.parse($(id).textContent);
const data = json("data"), T = json("text"), lang = root.dataset.lang;
const form = $("form"), F = form.elements, presetBox = $("preset");
const names = [...F].filter((e) => e.name).map((e) => e.name);
const presets = data.presets;
let unit = [0n, 0n], last = 0, timer = 0;

const tup = (x, y) => { const v = [parse(F[x].value), parse(F[y].value)]; v.tuple = true; return v; };

function fields(a) { // a preset (conv2d keyword arguments) as the form's field values
  const p = a.padding || 0, named = typeof p == "string", o = { cin: a.in_channels, cout: a.out_channels,
    g: a.groups || 1, pad: named ? p : "n", bias: a.bias === false ? 0 : 1 };
  const two = (v = 1, x, y) => { [o[x], o[y]] = [].concat(v, v); };
  two(a.input_size, "ih", "iw"); two(a.kernel_size, "kh", "kw"); two(a.stride, "sh", "sw");
  two(named ? 0 : p, "ph", "pw"); two(a.dilation, "dh", "dw");
  for (const n in o) o[n] = String(o[n]);
  return o;
}

const val = (n) => (F[n].type === "checkbox" ? (F[n].checked ? "1" : "0") : F[n].value);
function put(o) {
  for (const n of names) if (n in o) F[n].type === "checkbox" ? (F[n].checked = o[n] !== "0") : (F[n].value = o[n]);
}
const matches = (o) => names.every((n) => val(n) === o[n] || (o.pad !== "n" && (n === "ph" || n === "pw")));

function query() {
  return "?" + names.map((n) => n + "=" + encodeURIComponent(val(n))).join("&") + "&u=" + unit.join(",");
}

function restore() {
  const q = new URLSearchParams(location.search);
  put(fields(presets[0].args));
  put(Object.fromEntries(q));
  const u = (q.get("u") || "").split(",");
  unit = u.length === 2 && u.every((x) => /^\d+$/.test(x)) ? u.map(BigInt) : [0n, 0n];
}

function remember(push) { // URL after a pause; edits under 1 s apart share a history entry
  clearTimeout(timer);
  const go = () => {
    const q = query();
    if (q !== location.search) history[push || Date.now() - last > 1000 ? "pushState" : "replaceState"](null, "", q);
    last = push ? 0 : Date.now();
  };
  if (push) go(); else timer = setTimeout(go, 300);
}

/** The form fields that a rejected layer's error is about (marked aria-invalid). */
const FIELDS = { input_size: ["ih", "iw"], in_channels: ["cin"], out_channels: ["cout"], groups: ["g"],
  kernel_size: ["kh", "kw"], stride: ["sh", "sw"], padding: ["ph", "pw"], dilation: ["dh", "dw"] };
function culprits(e) {
  const f = e.fields;
  if (e.code === "kernel_too_large") return [["kh", "kw"][f.index]];
  if (e.code === "groups_in") return ["cin", "g"];
  if (e.code === "groups_out") return ["cout", "g"];
  if (e.code === "bad_padding") return ["pad"];
  if (e.code === "same_strided") return ["pad", ...["sh", "sw"].filter((n) => parse(F[n].value) !== 1n)];
  const all = FIELDS[f.name] || [];
  // Of a pair (height, width), the one whose value the message quotes; both if neither does.
  const own = all.filter((n) => [String(parse(F[n].value)), repr(parse(F[n].value))].includes(String(f.value)));
  return own.length ? own : all;
}

function update() {
  const r = conv2d({
    input_size: tup("ih", "iw"), in_channels: parse(F.cin.value), out_channels: parse(F.cout.value),
    kernel_size: tup("kh", "kw"), stride: tup("sh", "sw"), padding: F.pad.value === "n" ? tup("ph", "pw") : F.pad.value,
    dilation: tup("dh", "dw"), groups: parse(F.g.value), bias: F.bias.checked,
  });
  F.ph.parentNode.hidden = F.pw.parentNode.hidden = F.pad.value !== "n";
  document.querySelectorAll("a[hreflang]").forEach((a) => { a.search = query(); }); // other language, same layer
  const hit = presets.find((p) => matches(fields(p.args)));
  presetBox.value = hit ? hit.id : "";
  const err = $("error");
  root.classList.toggle("calc-bad", !!r.error);
  err.hidden = !r.error;
  const bad = r.error ? culprits(r.error) : [];
  for (const n of names) {
    if (bad.includes(n)) F[n].setAttribute("aria-invalid", "true"); else F[n].removeAttribute("aria-invalid");
  }
  if (r.error) { err.textContent = message(r.error, lang, data); return; }
  const show = lines(r, T, unit);
  for (const id in show) $(id).textContent = show[id];
  unit = clamp(r, unit);
  draw(r);
}

function draw(r) {
  const fig = $("fig"), q = cells(r, unit);
  $("key").hidden = !q;
  if (!q) { fig.textContent = T.big; return; }
  const [H, W, OH, OW, KH, KW] = [...r.padded, ...r.out, ...r.k].map(Number);
  const c = Math.max(6, Math.min(22, Math.floor(640 / (W + KW + OW + 4)))), gap = 2 * c, top = 22;
  const x1 = W * c + gap, x2 = x1 + KW * c + gap, [pt, pl] = [Number(r.pads[0][0]), Number(r.pads[1][0])];
  const [uh, uw, ih, iw] = [...r.unused, ...r.size].map(Number), [ui, uj] = q.unit;
  const taps = new Set(q.taps.map(([y, x]) => y * W + x));
  let s = "";
  const cell = (x, y, cls, extra = "") => { s += `<rect x="${x}" y="${y + top}" width="${c}" height="${c}" class="${cls}"${extra}/>`; };
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const pad = y < pt || y >= pt + ih || x < pl || x >= pl + iw;
    cell(x * c, y * c, (pad ? "p" : "i") + (y >= H - uh || x >= W - uw ? " x" : "") + (taps.has(y * W + x) ? " t" : ""));
  }
  const [wy, wx, wh, ww] = q.window;
  s += `<rect x="${wx * c}" y="${wy * c + top}" width="${ww * c}" height="${wh * c}" class="w"/>`;
  for (let y = 0; y < KH; y++) for (let x = 0; x < KW; x++) cell(x1 + x * c, y * c, "k");
  for (let y = 0; y < OH; y++) for (let x = 0; x < OW; x++)
    cell(x2 + x * c, y * c, y === ui && x === uj ? "o t" : "o", ` data-u="${y},${x}"`);
  T.fig.forEach((t, n) => { s += `<text x="${[0, x1, x2][n]}" y="14">${t}</text>`; });
  const w = x2 + Math.max(OW * c, 60), h = top + Math.max(H, KH, OH) * c;
  fig.innerHTML = `<svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" aria-hidden="true">${s}</svg>`;
}

presets.forEach((p) => presetBox.add(new Option(p[lang], p.id)));
presetBox.addEventListener("change", () => {
  const p = presets.find((x) => x.id === presetBox.value);
  if (!p) return;
  put(fields(p.args)); unit = [0n, 0n]; update(); remember(true);
});
form.addEventListener("input", () => { update(); remember(); });
form.addEventListener("submit", (e) => e.preventDefault());
$("fig").addEventListener("click", (e) => {
  const u = e.target.dataset && e.target.dataset.u;
  if (u) { unit = u.split(",").map(BigInt); update(); remember(); }
});
$("fig").addEventListener("keydown", (e) => {
  const m = { ArrowUp: [-1n, 0n], ArrowDown: [1n, 0n], ArrowLeft: [0n, -1n], ArrowRight: [0n, 1n] }[e.key];
  if (!m || root.classList.contains("calc-bad")) return;
  e.preventDefault();
  unit = unit.map((u, i) => (u + m[i] < 0n ? 0n : u + m[i]));
  update(); remember();
});
addEventListener("popstate", () => { clearTimeout(timer); restore(); update(); });
restore();
update();
})();
