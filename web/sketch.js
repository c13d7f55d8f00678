// web/sketch.js (an ES module): the page web/index.html.  It loads the
// model named by ?model= (or picked, or a file the user opens): sketchrnn's
// own files (sketchjs(5): extended cells, or a VAE) run with sketchrnn.js,
// Magenta's decoder-only files with @magenta/sketch (window.ms, from the
// library's browser bundle).  The user draws on the canvas with pointer
// events; the strokes become stroke-5 rows in the model's units (pixel
// offsets divided by its scale_factor).  "Finish" samples four endings of
// the drawing (a VAE: decoded from the drawing's mean z), "Draw" a sketch from nothing (a VAE: from a random z),
// "Reconstruct" (a VAE) encodes the drawing and decodes four sketches from
// its mean z, "Interpolate" (a VAE) decodes four sketches from z between
// that of a drawing kept by "Keep as A" and the one on the canvas (slerp),
// all at the slider's temperature (Magenta's convention:
// sigma times sqrt(t), the mixture and pen choices at 0.5 + 0.5 t).
//
// For tests: <body data-done> is "0" while sampling, "1" when done and
// "error" on failure; window.sketchDone, window.sketchCount (actions
// finished so far), window.sketchRows (rows of the last sketch),
// window.sketchTemperature (the temperature the last action used),
// window.sketchPrefix (the drawing's stroke-5 rows), window.sketchEndings
// (the rows of each ending) and window.sketchError say the same to a
// script, and window.sketchScale the model's scale_factor.  ?seed=N replaces Math.random by a seeded generator (mulberry32)
// for repeatable sketches.

import { Model, isExtended, sampleRow } from "./sketchrnn.js";

const params = new URLSearchParams(location.search);
const modelURL = params.get("model") || "model.gen.json";
const $ = (id) => document.getElementById(id);
const canvas = $("canvas"), statusLine = $("status"), slider = $("temp");
const buttons = ["again", "finish", "reconstruct", "keep", "interpolate"].map($);
const endings = [0, 1, 2, 3].map((i) => $(`end${i}`));

if (params.get("seed") !== null) {
	let a = Number(params.get("seed")) >>> 0;
	Math.random = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

let model = null;	// the loaded model, as wrapped by wrapMagenta or wrapOurs
let strokes = [];	// the user's drawing: strokes of [x, y] canvas pixels
let drawing = false;	// a pointer is down on the canvas
let zA = null;		// a VAE: the mean z of the drawing kept as A

window.sketchDone = false;
window.sketchCount = 0;

function setState(state, text) {
	document.body.dataset.done = state;
	window.sketchDone = state === "1";
	statusLine.textContent = text;
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 0));

function temperature() {
	return Number(slider.value);
}

// --- models -------------------------------------------------------------

// wrapMagenta: a decoder-only model of Magenta's, run by @magenta/sketch.
async function wrapMagenta(url, info) {
	const m = new ms.SketchRNN(url);
	await m.initialize();
	return {
		name: info.name, units: m.numUnits, vae: false, by: "@magenta/sketch",
		scale: info.scale_factor, maxLen: info.max_seq_len,
		// rows in the model's units; the library's update() and sample()
		// take and give them times its scaleFactor
		async complete(prefix, z, tau, maxlen) {
			const k = m.scaleFactor, up = (r) => [r[0] * k, r[1] * k, r[2], r[3], r[4]];
			let st = m.update(m.zeroInput(), m.zeroState());
			for (const r of prefix)
				st = m.update(up(r), st);
			const out = [];
			while (out.length < maxlen) {
				const row = m.sample(m.getPDF(st, tau));
				if (row[4] === 1)
					break;
				out.push([row[0] / k, row[1] / k, row[2], row[3], row[4]]);
				st = m.update(row, st);
				if (out.length % 16 === 0)
					await pause();
			}
			return out;
		},
	};
}

// wrapOurs: any sketchrnn file (and Magenta's VAEs), run by sketchrnn.js.
function wrapOurs(json) {
	const m = new Model(json);
	return {
		name: m.name, units: m.H, vae: m.vae, by: "sketchrnn.js",
		scale: m.scale, maxLen: m.maxSeqLen,
		encode: (rows) => m.encode(rows).mu,
		randomZ: () => Array.from({ length: m.Nz }, gaussian),
		async complete(prefix, z, tau, maxlen) {
			let st = m.step(m.start(z), [0, 0, 1, 0, 0]);
			for (const r of prefix)
				st = m.step(st, r);
			const out = [];
			while (out.length < maxlen) {
				const row = sampleRow(m.mixture(st, tau, "magenta"), Math.random);
				if (row[4] === 1)
					break;
				out.push(row);
				st = m.step(st, row);
				if (out.length % 16 === 0)
					await pause();
			}
			return out;
		},
	};
}

function gaussian() {
	const u = 1 - Math.random(), v = Math.random();
	return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

// loadModel: fetches url (or a blob: URL of an opened file) and wraps it.
async function loadModel(url, label) {
	const resp = await fetch(url);
	if (!resp.ok)
		throw new Error(`HTTP ${resp.status} ${resp.statusText}`);
	const json = await resp.json();
	const info = (json && json[0]) || {};
	const magenta = !isExtended(json) && info.mode === 2;
	const m = magenta ? await wrapMagenta(url, info) : wrapOurs(json);
	$("name").textContent = `${m.name} (${m.units} units, ` +
		`${m.vae ? "VAE" : "decoder only"}, ${m.by}, from ${label})`;
	return m;
}

// --- drawing on the canvas ----------------------------------------------

function point(e) {
	const r = canvas.getBoundingClientRect();
	return [e.clientX - r.left, e.clientY - r.top];
}

function clearCanvas(c) {
	const ctx = c.getContext("2d");
	ctx.fillStyle = "#fff";
	ctx.fillRect(0, 0, c.width, c.height);
}

function pen(ctx, color, width) {
	ctx.strokeStyle = color;
	ctx.lineWidth = width;
	ctx.lineCap = ctx.lineJoin = "round";
}

function onDown(e) {
	if (strokes.length === 0)
		clearCanvas(canvas); // a drawing of the model's may be there
	canvas.setPointerCapture(e.pointerId);
	drawing = true;
	strokes.push([point(e)]);
}

// onMove: adds a point at least 2 pixels from the last one, and draws it.
function onMove(e) {
	if (!drawing)
		return;
	const s = strokes[strokes.length - 1], last = s[s.length - 1];
	const p = point(e);
	if (Math.hypot(p[0] - last[0], p[1] - last[1]) < 2)
		return;
	s.push(p);
	const ctx = canvas.getContext("2d");
	pen(ctx, "#000", 3);
	ctx.beginPath();
	ctx.moveTo(last[0], last[1]);
	ctx.lineTo(p[0], p[1]);
	ctx.stroke();
}

function onUp() {
	if (!drawing)
		return;
	drawing = false;
	const s = strokes.pop();
	if (s.length >= 2) // not a click
		strokes.push(simplify(s, 2));
}

// simplify: the points of line kept by Ramer-Douglas-Peucker at eps pixels
// (sketch-rnn's data is simplified so; short steps confuse the models).
function simplify(line, eps) {
	const [a, b] = [line[0], line[line.length - 1]];
	const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
	let worst = 0, at = 0;
	for (let i = 1; i < line.length - 1; i++) {
		const [x, y] = line[i];
		const d = len > 0
			? Math.abs((b[0] - a[0]) * (a[1] - y) - (a[0] - x) * (b[1] - a[1])) / len
			: Math.hypot(x - a[0], y - a[1]);
		if (d > worst)
			worst = d, at = i;
	}
	if (worst <= eps)
		return [a, b];
	return simplify(line.slice(0, at + 1), eps).slice(0, -1)
		.concat(simplify(line.slice(at), eps));
}

// strokeRows: the drawing as stroke-5 rows in the model's units: a first
// zero row (pen down at the first point), then each point's offset from
// the one before, divided by scale; p2 (pen up) after a stroke's last point.
function strokeRows(scale) {
	const rows = [];
	let prev = null;
	for (const s of strokes) {
		s.forEach(([x, y], j) => {
			const last = j === s.length - 1;
			const d = prev ? [(x - prev[0]) / scale, (y - prev[1]) / scale] : [0, 0];
			rows.push([d[0], d[1], last ? 0 : 1, last ? 1 : 0, 0]);
			prev = [x, y];
		});
	}
	return rows;
}

// --- showing sketches ---------------------------------------------------

// segments: the drawn segments of rows [[x0, y0, x1, y1, i], ...] (i the
// row that ends it), a row's offset drawn when the row before left the pen
// down; the first row only moves from the origin.
function segments(rows) {
	const segs = [];
	let x = 0, y = 0, down = false;
	rows.forEach(([dx, dy, p1], i) => {
		if (down)
			segs.push([x, y, x + dx, y + dy, i]);
		x += dx;
		y += dy;
		down = p1 === 1;
	});
	return segs;
}

// render: rows scaled to fit canvas c, those from row split on in red.
function render(c, rows, split = rows.length) {
	const ctx = c.getContext("2d"), margin = 10;
	clearCanvas(c);
	const segs = segments(rows);
	if (segs.length === 0)
		return;
	const xs = segs.flatMap((s) => [s[0], s[2]]);
	const ys = segs.flatMap((s) => [s[1], s[3]]);
	const x0 = Math.min(...xs), x1 = Math.max(...xs);
	const y0 = Math.min(...ys), y1 = Math.max(...ys);
	const span = Math.max(x1 - x0, y1 - y0, 1e-6);
	const k = (Math.min(c.width, c.height) - 2 * margin) / span;
	const ox = (c.width - k * (x1 - x0)) / 2 - k * x0;
	const oy = (c.height - k * (y1 - y0)) / 2 - k * y0;
	for (const [ax, ay, bx, by, i] of segs) {
		pen(ctx, i >= split ? "#c00" : "#000", 2);
		ctx.beginPath();
		ctx.moveTo(ox + k * ax, oy + k * ay);
		ctx.lineTo(ox + k * bx, oy + k * by);
		ctx.stroke();
	}
}

// --- actions ------------------------------------------------------------

// act: runs one action with the buttons disabled, and reports it.
async function act(what, fn) {
	buttons.forEach((b) => (b.disabled = true));
	delete window.sketchError;
	setState("0", `${what}: sampling`);
	const tau = temperature(), t0 = performance.now();
	try {
		const text = await fn(tau);
		window.sketchTemperature = tau;
		window.sketchCount++;
		const took = Math.round(performance.now() - t0);
		setState("1", `${what}: ${text}, temperature ${tau}, ${took} ms`);
	} finally {
		enableButtons();
	}
}

function enableButtons() {
	buttons[0].disabled = !model;
	buttons[1].disabled = !model;
	buttons[2].disabled = buttons[3].disabled = !(model && model.vae);
	buttons[4].disabled = !(model && model.vae && zA);
}

// drawOne: a sketch from nothing (a VAE: from a random z) on the canvas.
async function drawOne(tau) {
	const z = model.vae ? model.randomZ() : null;
	const rows = await model.complete([], z, tau, model.maxLen);
	strokes = [];
	render(canvas, rows);
	window.sketchRows = rows.length;
	return `${rows.length} rows`;
}

function needDrawing() {
	if (strokes.length === 0)
		throw new Error("draw something on the canvas first");
	return strokeRows(model.scale);
}

// finish: four endings of the drawing (a VAE: from the drawing's mean z).
async function finish(tau) {
	const prefix = needDrawing();
	const z = model.vae ? model.encode(prefix) : null;
	window.sketchPrefix = prefix;
	window.sketchEndings = [];
	for (const c of endings) {
		const rows = await model.complete(prefix, z, tau, model.maxLen);
		window.sketchEndings.push(rows);
		render(c, prefix.concat(rows), prefix.length);
	}
	const n = window.sketchEndings.map((r) => r.length);
	window.sketchRows = n[n.length - 1];
	return `4 endings of ${prefix.length} rows (${n.join(", ")} rows)`;
}

// reconstruct: the drawing encoded, four sketches decoded from its mean z.
async function reconstruct(tau) {
	const rows = needDrawing();
	const mu = model.encode(rows);
	window.sketchPrefix = rows;
	window.sketchEndings = [];
	for (const c of endings) {
		const out = await model.complete([], mu, tau, model.maxLen);
		window.sketchEndings.push(out);
		render(c, out, 0);
	}
	return `4 reconstructions of ${rows.length} rows`;
}

// fail: reports err on the page, after what (a prefix) when given.
// keep: the drawing's mean z kept as A, for Interpolate.
function keep() {
	try {
		zA = model.encode(needDrawing());
		enableButtons();
		setState("1", "kept the drawing as A: draw B and Interpolate");
	} catch (err) {
		fail(err);
	}
}

// slerp: the spherical interpolation of a and b at t (linear when they
// are nearly parallel), as sketch-rnn's notebooks interpolate z.
function slerp(a, b, t) {
	const dot = a.reduce((s, v, i) => s + v * b[i], 0);
	const na = Math.hypot(...a), nb = Math.hypot(...b);
	const om = Math.acos(Math.min(1, Math.max(-1, dot / (na * nb || 1))));
	if (om < 1e-6)
		return a.map((v, i) => v + t * (b[i] - v));
	const s = Math.sin(om);
	const ka = Math.sin((1 - t) * om) / s, kb = Math.sin(t * om) / s;
	return a.map((v, i) => ka * v + kb * b[i]);
}

// interpolate: four sketches decoded from z between A's and the drawing's.
async function interpolate(tau) {
	const zB = model.encode(needDrawing());
	window.sketchEndings = [];
	for (let i = 0; i < endings.length; i++) {
		const z = slerp(Array.from(zA), Array.from(zB), i / (endings.length - 1));
		const out = await model.complete([], z, tau, model.maxLen);
		window.sketchEndings.push(out);
		render(endings[i], out, 0);
	}
	return "4 sketches from A to B";
}

function fail(err, what = "") {
	window.sketchError = String(err);
	setState("error", `${what}${err}`);
}

function run(what, fn) {
	return () => act(what, fn).catch(fail);
}

async function use(url, label) {
	model = null;
	zA = null;
	enableButtons();
	delete window.sketchError;
	setState("0", `loading ${label}`);
	model = await loadModel(url, label);
	window.sketchScale = model.scale;
	await act("Draw", drawOne);
}

function setup() {
	canvas.addEventListener("pointerdown", onDown);
	canvas.addEventListener("pointermove", onMove);
	canvas.addEventListener("pointerup", onUp);
	canvas.addEventListener("pointercancel", onUp);
	$("again").addEventListener("click", run("Draw", drawOne));
	$("finish").addEventListener("click", run("Finish", finish));
	$("reconstruct").addEventListener("click", run("Reconstruct", reconstruct));
	$("keep").addEventListener("click", keep);
	$("interpolate").addEventListener("click", run("Interpolate", interpolate));
	$("clear").addEventListener("click", () => {
		strokes = [];
		clearCanvas(canvas);
	});
	slider.value = params.get("t") || "0.25";
	$("tempval").textContent = slider.value;
	slider.addEventListener("input", () => ($("tempval").textContent = slider.value));
	const picker = $("picker");
	if (![...picker.options].some((o) => o.value === modelURL))
		picker.add(new Option(modelURL, modelURL), 0);
	picker.value = modelURL;
	picker.addEventListener("change",
		() => use(picker.value, picker.value).catch(fail));
	$("file").addEventListener("change", (e) => {
		const f = e.target.files[0];
		if (f)
			use(URL.createObjectURL(f), f.name).catch(fail);
	});
}

async function main() {
	if (!(Number(params.get("t") || 0.25) > 0))
		throw new Error(`t=${params.get("t")}: not a temperature > 0`);
	setup();
	await ms.tf.setBackend("cpu"); // the pure JavaScript backend; no WebGL
	await use(modelURL, modelURL);
}

main().catch((err) => fail(err, `cannot draw from ${modelURL}: `));
