// oracle.js: writes the sketch-rnn-js oracle fixtures of sketchrnn by
// running Magenta's own decoder (@magenta/sketch on the TensorFlow.js CPU
// backend) on each pretrained decoder-only model.
//
// For every model NAME.gen.json it writes, into the output folder:
//   NAME.steps.bin   a real Quick, Draw! drawing of the same category fed
//                    step by step from the start token, with the mixture
//                    parameters Magenta computes after every step;
//   NAME.weights.txt per tensor the shape, the sum of the library's
//                    dequantised float32 weights and four of them (a
//                    bit-exact check of a loader);
//   NAME.sample.bin  a sketch sampled by Magenta's sample() with Math.random
//                    replaced by sketchrnn's own generator (xoshiro256**
//                    seeded through splitmix64, lib/rng.c), every uniform
//                    draw it consumed, and the strokes it returned;
// and one MANIFEST file describing what was used.  The byte layouts are in
// README.md.  It does not check anything itself: tests/sketchjs_test.c
// compares sketchrnn's decoder against these files.
//
// Usage: node oracle.js [-m models_dir] [-o out_dir] [-n steps]
//                       [-s seed] [-t temperature]
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const tf = require('@tensorflow/tfjs-core');
const { SketchRNN } = require('@magenta/sketch');

const HERE = __dirname;
const ROOT = path.resolve(HERE, '..', '..');
const opts = {
	models: path.join(ROOT, 'data', 'models'),
	out: path.join(HERE, 'fixtures'),
	steps: 24,       // teacher-forced steps, the start token included
	seed: 1n,        // seed of the uniform draws of the sampled sketch
	temperature: 0.25, // temperature of the sampled sketch
};
// Where the drawing of each category comes from: the bundled simplified
// drawings, then the extra categories (lantern, mosquito) in data/.
const DRAWING_DIRS = [
	path.join(ROOT, 'data', 'quickdraw', 'simplified'),
	path.join(ROOT, 'data', 'quickdraw', 'extra', 'simplified'),
];
const PIXEL_FACTOR = 2.0; // the library's default, kept

function die(msg) {
	process.stderr.write('oracle.js: ' + msg + '\n');
	process.exit(1);
}

function parseArgs(argv) {
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i], v = argv[i + 1];
		if (v === undefined)
			die('usage: node oracle.js [-m models_dir] [-o out_dir] ' +
			    '[-n steps] [-s seed] [-t temperature]');
		if (a === '-m') opts.models = path.resolve(v);
		else if (a === '-o') opts.out = path.resolve(v);
		else if (a === '-n') opts.steps = parseInt(v, 10);
		else if (a === '-s') opts.seed = BigInt(v);
		else if (a === '-t') opts.temperature = parseFloat(v);
		else die('unknown option ' + a);
		i++;
	}
	if (!(opts.steps >= 1 && opts.steps <= 1000)) die('bad -n');
	if (!(opts.temperature > 0 && opts.temperature <= 10)) die('bad -t');
}

// ---- sketchrnn's generator (lib/rng.c), in BigInt arithmetic ----

const MASK64 = (1n << 64n) - 1n;

function rotl(x, k) {
	return ((x << BigInt(k)) | (x >> BigInt(64 - k))) & MASK64;
}

class Rng {
	constructor(seed) {
		let x = BigInt.asUintN(64, seed);
		this.s = [];
		for (let i = 0; i < 4; i++) {
			x = (x + 0x9e3779b97f4a7c15n) & MASK64;
			let z = x;
			z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
			z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
			this.s.push(z ^ (z >> 31n));
		}
	}
	u64() {
		const s = this.s;
		const out = (rotl((s[1] * 5n) & MASK64, 7) * 9n) & MASK64;
		const t = (s[1] << 17n) & MASK64;
		s[2] ^= s[0];
		s[3] ^= s[1];
		s[1] ^= s[2];
		s[0] ^= s[3];
		s[2] ^= t;
		s[3] = rotl(s[3], 45);
		return out;
	}
	// rng_uniform: 53 random bits in [0, 1), exact in a double.
	uniform() {
		return Number(this.u64() >> 11n) * 2 ** -53;
	}
}

// ---- little-endian writer ----

class Out {
	constructor() {
		this.parts = [];
	}
	bytes(s) {
		this.parts.push(Buffer.from(s, 'latin1'));
	}
	u32(v) {
		const b = Buffer.alloc(4);
		b.writeUInt32LE(v);
		this.parts.push(b);
	}
	i32(v) {
		const b = Buffer.alloc(4);
		b.writeInt32LE(v);
		this.parts.push(b);
	}
	u64(v) {
		const b = Buffer.alloc(8);
		b.writeBigUInt64LE(v);
		this.parts.push(b);
	}
	f32(v) {
		const b = Buffer.alloc(4);
		b.writeFloatLE(v);
		if (b.readFloatLE(0) !== Math.fround(v))
			die('internal: f32 write');
		this.parts.push(b);
	}
	f64(v) {
		const b = Buffer.alloc(8);
		b.writeDoubleLE(v);
		this.parts.push(b);
	}
	buffer() {
		return Buffer.concat(this.parts);
	}
}

// ---- the input drawing ----

// firstDrawing: the first drawing of the category with at least `need`
// points, as stroke-3 offsets in the 0-255 units of the simplified data
// (first offset from the origin, pen lifted after each stroke's last
// point: the convention of ndjson2stroke(1)).
function firstDrawing(category, need) {
	for (const dir of DRAWING_DIRS) {
		const file = path.join(dir, category + '.simplified.ndjson');
		if (!fs.existsSync(file))
			continue;
		const lines = fs.readFileSync(file, 'utf8').split('\n');
		for (let i = 0; i < lines.length; i++) {
			if (!lines[i])
				continue;
			const d = JSON.parse(lines[i]);
			const rows = [];
			let px = 0, py = 0;
			for (const [xs, ys] of d.drawing) {
				for (let j = 0; j < xs.length; j++) {
					rows.push([xs[j] - px, ys[j] - py,
						   j === xs.length - 1 ? 1 : 0]);
					px = xs[j];
					py = ys[j];
				}
			}
			if (rows.length >= need)
				return { file: path.relative(ROOT, file), line: i + 1,
					 key_id: d.key_id, word: d.word, rows };
		}
	}
	die('no drawing of ' + category + ' with ' + need + ' points');
}

// ---- the model ----

function loadModel(file) {
	const text = fs.readFileSync(file, 'latin1');
	const j = JSON.parse(text);
	const m = new SketchRNN(file);
	m.instantiateFromJSON(j[0], j[1], j[2]);
	if (m.NMIXTURE !== 20 || m.pixelFactor !== PIXEL_FACTOR)
		die(file + ': unexpected library defaults');
	return { m, info: j[0], shapes: j[1],
		 sha256: crypto.createHash('sha256').update(text, 'latin1')
			 .digest('hex') };
}

// weights: one line per tensor of the library's dequantised weights
// (m.weights, Float32Array): index, rows, cols (1 for a vector), their sum
// accumulated in double in index order, and the values at indices 0, 1,
// floor(size / 2) and size - 1.  Numbers are printed in JavaScript's
// shortest round-trip form, so strtod() reads back the same double.
function weights(mod) {
	const { m } = mod;
	const lines = ['# index rows cols sum w[0] w[1] w[size/2] w[size-1]'];
	for (let i = 0; i < m.weights.length; i++) {
		const w = m.weights[i], d = m.weightDims[i];
		let sum = 0;
		for (let k = 0; k < w.length; k++)
			sum += w[k];
		lines.push([i, d[0], d.length > 1 ? d[1] : 1, sum, w[0], w[1],
			    w[Math.floor(w.length / 2)], w[w.length - 1]]
			.map(String).join(' '));
	}
	return lines.join('\n') + '\n';
}

// writeParams: the pdf in the order of the output layer: pen[3], pi[M],
// mu_x[M], mu_y[M], sigma_x[M], sigma_y[M], rho[M].
function writeParams(o, pdf, M) {
	for (let k = 0; k < 3; k++) o.f32(pdf.pen[k]);
	for (const a of [pdf.pi, pdf.muX, pdf.muY, pdf.sigmaX, pdf.sigmaY,
			 pdf.corr])
		for (let k = 0; k < M; k++) o.f32(a[k]);
}

// steps: teacher forcing.  Row 0 feeds zeroInput() (the start token),
// row t >= 1 feeds drawing row t-1.  The library divides the pixel offset
// by scale_factor / pixelFactor; feeding offset / pixelFactor makes that
// exactly offset / scale_factor in double, then float32 in the tensor.
function steps(mod, drawing) {
	const { m, info } = mod;
	const M = m.NMIXTURE, T = opts.steps;
	const o = new Out();
	let state = m.zeroState();

	o.bytes('SJST');
	o.u32(1);
	o.u32(T);
	o.u32(M);
	o.u32(m.numUnits);
	o.f64(info.scale_factor);
	o.f64(1.0);
	o.f64(PIXEL_FACTOR);
	for (let t = 0; t < T; t++) {
		let d = [0, 0], stroke = m.zeroInput();
		if (t > 0) {
			const r = drawing.rows[t - 1];
			d = [r[0], r[1]];
			stroke = [r[0] / PIXEL_FACTOR, r[1] / PIXEL_FACTOR,
				  1 - r[2], r[2], 0];
		}
		state = m.update(stroke, state);
		const pdf = m.getPDF(state, 1.0);
		o.f32(d[0]);
		o.f32(d[1]);
		o.f32(t > 0 ? d[0] / info.scale_factor : 0);
		o.f32(t > 0 ? d[1] / info.scale_factor : 0);
		for (let k = 2; k < 5; k++) o.f32(stroke[k]);
		writeParams(o, pdf, M);
	}
	return o.buffer();
}

// sample: free running at opts.temperature from the start token, every
// uniform coming from Rng(opts.seed).  Stops after the row whose sampled
// pen is p3 (kept), or after max_seq_len rows.
function sample(mod) {
	const { m, info } = mod;
	const rng = new Rng(opts.seed);
	const draws = [], rows = [];
	const tau = opts.temperature, taud = 0.5 + 0.5 * tau;
	const s = m.scaleFactor;
	let state = m.update(m.zeroInput(), m.zeroState());
	let live = false;
	const mathRandom = Math.random;

	Math.random = () => {
		if (!live)
			die('Math.random called outside sample()');
		const u = rng.uniform();
		draws.push(u);
		return u;
	};
	for (let n = 0; n < info.max_seq_len; n++) {
		const pdf = m.getPDF(state, tau);
		const first = draws.length;
		live = true;
		const st = m.sample(pdf);
		live = false;
		const k = mixtureOf(pdf, draws[first]);
		const pen = st.slice(2).indexOf(1);
		if (k < 0 || pen < 0 || !Number.isFinite(st[0] + st[1]))
			die(info.name + ': a draw fell outside the sums; ' +
			    'choose another seed');
		rows.push({ used: draws.length - first, k, pen, dx: st[0],
			    dy: st[1], xin: [Math.fround(st[0] / s),
					     Math.fround(st[1] / s)] });
		if (pen === 2)
			break;
		state = m.update(st, state);
	}
	Math.random = mathRandom;

	const o = new Out();
	o.bytes('SJSA');
	o.u32(1);
	o.u32(rows.length);
	o.u32(draws.length);
	o.u64(opts.seed);
	o.f64(tau);
	o.f64(taud);
	o.f64(info.scale_factor);
	o.f64(PIXEL_FACTOR);
	o.u32(info.max_seq_len);
	for (const r of rows) {
		o.u32(r.used);
		o.i32(r.k);
		o.i32(r.pen);
		o.f64(r.dx);
		o.f64(r.dy);
		o.f32(r.xin[0]);
		o.f32(r.xin[1]);
	}
	for (const u of draws) o.f64(u);
	return { buf: o.buffer(), rows, draws };
}

// mixtureOf: the index sampleSoftmax chose for the draw u (the same rule:
// the first running sum, in double, that reaches u).
function mixtureOf(pdf, u) {
	let acc = 0;
	for (let i = 0; i < pdf.pi.length; i++) {
		acc += pdf.pi[i];
		if (acc >= u)
			return i;
	}
	return -1;
}

function main() {
	parseArgs(process.argv.slice(2));
	tf.setBackend('cpu');
	if (tf.getBackend() !== 'cpu')
		die('the TensorFlow.js CPU backend is not in use');
	const files = fs.readdirSync(opts.models)
		.filter((f) => f.endsWith('.gen.json')).sort();
	if (files.length === 0)
		die(opts.models + ': no .gen.json models');
	fs.mkdirSync(opts.out, { recursive: true });
	const man = [
		'# sketch-rnn-js oracle fixtures, written by tests/magenta/oracle.js',
		'# @magenta/sketch ' + require('@magenta/sketch/package.json').version +
		', @tensorflow/tfjs-core ' + tf.version_core + ', backend ' +
		tf.getBackend() + ', node ' + process.version,
		'# steps ' + opts.steps + ' (temperature 1), sample seed ' +
		opts.seed + ' temperature ' + opts.temperature +
		', pixelFactor ' + PIXEL_FACTOR,
		'# model sha256 | drawing file:line key_id | sample rows draws',
	];
	for (const f of files) {
		const name = f.replace(/\.gen\.json$/, '');
		const mod = loadModel(path.join(opts.models, f));
		const dr = firstDrawing(name, opts.steps - 1);
		fs.writeFileSync(path.join(opts.out, name + '.steps.bin'),
				 steps(mod, dr));
		fs.writeFileSync(path.join(opts.out, name + '.weights.txt'),
				 weights(mod));
		const sm = sample(mod);
		fs.writeFileSync(path.join(opts.out, name + '.sample.bin'),
				 sm.buf);
		man.push(name + ' ' + mod.sha256 + ' ' + dr.file + ':' +
			 dr.line + ' ' + dr.key_id + ' ' + sm.rows.length +
			 ' ' + sm.draws.length);
		mod.m.dispose();
	}
	fs.writeFileSync(path.join(opts.out, 'MANIFEST'), man.join('\n') + '\n');
}

main();
