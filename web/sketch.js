// web/sketch.js: loads the model named by ?model= with @magenta/sketch
// (window.ms, from the library's browser bundle), samples one drawing from
// the start token until the end-of-sketch pen state or max_seq_len rows, and
// draws it on the canvas scaled to fit.  "Draw another" samples again.
//
// For tests: <body data-done> is "0" while sampling, "1" when a drawing is on
// the canvas and "error" on failure; window.sketchDone, window.sketchCount
// (drawings finished so far), window.sketchRows and window.sketchError say
// the same to a script.  Sampling uses Math.random, so drawings differ from
// run to run, unless ?seed=N replaces it by a seeded generator (mulberry32)
// for repeatable drawings; the sampler is Magenta's own (getPDF, sample), at
// temperature ?t= (0.25 by default).

"use strict";

const params = new URLSearchParams(location.search);
const modelURL = params.get("model") || "model.gen.json";
const temperature = Number(params.get("t") || 0.25);

// ?seed=N: a seeded Math.random (mulberry32), so that a page load draws the
// same sketches every time.
if (params.get("seed") !== null) {
	let a = Number(params.get("seed")) >>> 0;
	Math.random = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
const canvas = document.getElementById("canvas");
const button = document.getElementById("again");
const statusLine = document.getElementById("status");

window.sketchDone = false;
window.sketchCount = 0;

function setState(state, text) {
	document.body.dataset.done = state;
	window.sketchDone = state === "1";
	statusLine.textContent = text;
}

// Returns the sampled stroke-5 rows [dx, dy, p1, p2, p3], the last one the
// end row (p3) unless max_seq_len rows came first.  Yields to the browser
// every 16 rows so the page stays responsive.
async function sampleRows(model) {
	const rows = [];
	let state = model.update(model.zeroInput(), model.zeroState());
	while (rows.length < model.info.max_seq_len) {
		const row = model.sample(model.getPDF(state, temperature));
		rows.push(row);
		if (row[4] === 1)
			break;
		state = model.update(row, state);
		if (rows.length % 16 === 0)
			await new Promise((resolve) => setTimeout(resolve, 0));
	}
	return rows;
}

// Turns rows into polylines of absolute points.  A row's offset is drawn
// when the previous row left the pen down; the first row only moves from
// the origin, and the end row is not drawn.
function polylines(rows) {
	const lines = [];
	let x = 0, y = 0, line = null, penDown = false;
	for (const [dx, dy, p1, p2, p3] of rows) {
		if (p3 === 1)
			break;
		x += dx;
		y += dy;
		if (!penDown || line === null) {
			line = [[x, y]];
			lines.push(line);
		} else {
			line.push([x, y]);
		}
		penDown = p1 === 1;
		if (p2 === 1)
			line = null;
	}
	return lines.filter((l) => l.length > 1);
}

function render(lines) {
	const ctx = canvas.getContext("2d");
	const w = canvas.width, h = canvas.height, margin = 20;
	ctx.fillStyle = "#fff";
	ctx.fillRect(0, 0, w, h);
	const pts = lines.flat();
	if (pts.length === 0)
		return;
	const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]);
	const x0 = Math.min(...xs), x1 = Math.max(...xs);
	const y0 = Math.min(...ys), y1 = Math.max(...ys);
	const span = Math.max(x1 - x0, y1 - y0, 1e-6);
	const k = (Math.min(w, h) - 2 * margin) / span;
	const ox = (w - k * (x1 - x0)) / 2 - k * x0;
	const oy = (h - k * (y1 - y0)) / 2 - k * y0;
	ctx.strokeStyle = "#000";
	ctx.lineWidth = 2;
	ctx.lineCap = ctx.lineJoin = "round";
	for (const line of lines) {
		ctx.beginPath();
		ctx.moveTo(ox + k * line[0][0], oy + k * line[0][1]);
		for (const [px, py] of line.slice(1))
			ctx.lineTo(ox + k * px, oy + k * py);
		ctx.stroke();
	}
}

async function draw(model) {
	button.disabled = true;
	setState("0", "sampling");
	const t = performance.now();
	const rows = await sampleRows(model);
	const lines = polylines(rows);
	render(lines);
	window.sketchRows = rows.length;
	window.sketchCount++;
	const ended = rows[rows.length - 1][4] === 1;
	const end = ended ? "to the end state" : "(max_seq_len)";
	const took = Math.round(performance.now() - t);
	setState("1", `${rows.length} rows ${end}, ${lines.length} strokes, ` +
		`temperature ${temperature}, ${took} ms`);
	button.disabled = false;
}

async function main() {
	if (!(temperature > 0))
		throw new Error(`t=${params.get("t")}: not a temperature > 0`);
	await ms.tf.setBackend("cpu"); // the pure JavaScript backend; no WebGL
	// Check the file first: the library would fail on a VAE (.vae.json)
	// with an obscure message, and on HTTP errors with a JSON syntax error.
	const resp = await fetch(modelURL);
	if (!resp.ok)
		throw new Error(`HTTP ${resp.status} ${resp.statusText}`);
	const mode = (await resp.json())[0].mode;
	if (mode !== 2)
		throw new Error(`mode ${mode}: not a decoder-only model`);
	const model = new ms.SketchRNN(modelURL);
	await model.initialize();
	const info = model.info;
	document.getElementById("name").textContent =
		`${info.name} (${model.numUnits} units, from ${modelURL})`;
	button.addEventListener("click", () => draw(model).catch(fail));
	await draw(model);
}

function fail(err) {
	window.sketchError = String(err);
	setState("error", `cannot draw from ${modelURL}: ${err}`);
}

main().catch(fail);
