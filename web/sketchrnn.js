// web/sketchrnn.js: sketchrnn's decoder and encoder in plain JavaScript (an
// ES module, no build step, no dependencies), for every model kind that
// model2js(1) writes: LSTM, layer-norm LSTM and HyperLSTM cells, a VAE
// (bidirectional encoder, z to the decoder's initial state) or a
// decoder-only model.  It computes what sketchrnn's decode(1) computes
// (lib/lstm.c, lib/hyper.c, lib/sketchrnn.c, lib/sample.c), in double
// precision on the file's (dequantised) float32 weights; tests/web/decode.js
// checks every step's mixture parameters against sketchrnn's C code under
// headless Chromium.  The file format, with sketchrnn's extension for the
// cells Magenta's format lacks, is sketchjs(5).  @magenta/sketch still runs
// Magenta's own (plain LSTM) models in web/sketch.js; isExtended() tells
// the two apart.
//
//   import { Model } from "./sketchrnn.js";
//   const m = new Model(await (await fetch(url)).json());
//   const z = m.encode(rows).mu;                // VAE: rows of stroke-5
//   let s = m.start(z);                         // z null: decoder only
//   s = m.step(s, [0, 0, 1, 0, 0]);             // feed the start token
//   const mix = m.mixture(s, 0.25, "paper");    // or "magenta"
//   const row = sampleRow(mix, Math.random);    // [dx, dy, p1, p2, p3]

const LSTM = "lstm", LAYER_NORM = "layer_norm", HYPER = "hyper";
const FORGET_BIAS = 1.0, LN_EPS = 1e-3;

// cellNames: the tensor names of a cell in file order (model(5)).
function cellNames(pre, kind) {
	const n = [`${pre}_wx`, `${pre}_wh`];
	if (kind !== LAYER_NORM)
		n.push(`${pre}_b`);
	if (kind !== LSTM)
		n.push(`${pre}_ln_g`, `${pre}_ln_b`, `${pre}_lnc_g`,
			`${pre}_lnc_b`);
	if (kind === HYPER)
		for (const s of ["hyp_wx", "hyp_wh", "hyp_ln_g", "hyp_ln_b",
			"hyp_lnc_g", "hyp_lnc_b", "zw_w", "zw_b", "alpha_w",
			"zb_w", "beta_w"])
			n.push(`${pre}_${s}`);
	return n;
}

// tensorOrder: every tensor name of a file in its order (sketchjs(5)).
export function tensorOrder(vae, encCell, decCell) {
	const n = [];
	if (vae)
		n.push(...cellNames("enc_fw", encCell),
			...cellNames("enc_bw", encCell), "mu_w", "mu_b",
			"sigma_w", "sigma_b", "init_w", "init_b");
	n.push("out_w", "out_b", ...cellNames("dec", decCell));
	return n;
}

function isVae(info) {
	const m = info.mode;
	if (m === 2 || m === "gen")
		return false;
	if (m === 0 || m === 1 || m === "vae")
		return true;
	throw new Error(`mode ${JSON.stringify(m)} is neither gen nor vae`);
}

// isExtended: the file uses sketchrnn's extension (cells other than LSTM,
// or float32 tensors), which @magenta/sketch cannot run.
export function isExtended(json) {
	const info = json[0] || {};
	return (info.dec_cell || LSTM) !== LSTM ||
		(info.enc_cell || LSTM) !== LSTM || Array.isArray(info.float32);
}

function base64Bytes(s) {
	const bin = atob(s);
	const b = new Uint8Array(bin.length);
	for (let i = 0; i < bin.length; i++)
		b[i] = bin.charCodeAt(i);
	return b;
}

// weights: the values of one blob, int16 q as (float)(10 q / 32767) or
// little-endian float32.
function weights(s, size, f32, name) {
	const b = base64Bytes(s), dv = new DataView(b.buffer);
	const w = new Float32Array(size);
	if (b.length !== (f32 ? 4 : 2) * size)
		throw new Error(`tensor ${name}: ${b.length} bytes for ${size} values`);
	for (let i = 0; i < size; i++)
		w[i] = f32 ? dv.getFloat32(4 * i, true)
			: Math.fround(10 * dv.getInt16(2 * i, true) / 32767);
	return w;
}

const sigm = (x) => 1 / (1 + Math.exp(-x));

// addMatVec: y[0..cols) += v[0..rows) W, W [rows, cols] row-major.
function addMatVec(y, v, W, rows, cols, voff = 0) {
	for (let i = 0; i < rows; i++) {
		const x = v[voff + i];
		if (x === 0)
			continue;
		const o = i * cols;
		for (let j = 0; j < cols; j++)
			y[j] += x * W[o + j];
	}
}

// layerNorm: v[off..off+n) normalised in place, times g, plus b (from goff).
function layerNorm(v, off, n, g, b, goff) {
	let mean = 0, vr = 0;
	for (let i = 0; i < n; i++)
		mean += v[off + i];
	mean /= n;
	for (let i = 0; i < n; i++) {
		const d = v[off + i] - mean;
		vr += d * d;
	}
	vr /= n;
	const rs = 1 / Math.sqrt(vr + LN_EPS);
	for (let i = 0; i < n; i++)
		v[off + i] = g[goff + i] * (v[off + i] - mean) * rs + b[goff + i];
}

// gates: the new c and h of H units from the pre-activations a [4H]
// (gates i, j, f, o) and the old c; lnc [gain, shift] for layer norm.
function gates(a, c, H, lnc) {
	const cn = new Float64Array(H), hn = new Float64Array(H);
	for (let k = 0; k < H; k++)
		cn[k] = c[k] * sigm(a[2 * H + k] + FORGET_BIAS) +
			sigm(a[k]) * Math.tanh(a[H + k]);
	const t = Float64Array.from(cn);
	if (lnc)
		layerNorm(t, 0, H, lnc[0], lnc[1], 0);
	for (let k = 0; k < H; k++)
		hn[k] = Math.tanh(t[k]) * sigm(a[3 * H + k]);
	return { h: hn, c: cn };
}

// A cell of sketchrnn: its tensors by suffix, its sizes.
class Cell {
	constructor(t, pre, kind, H) {
		this.kind = kind;
		this.H = H;
		const g = (s) => t[`${pre}_${s}`];
		this.wx = g("wx");
		this.wh = g("wh");
		this.b = g("b");
		this.in = this.wx.length / (4 * H);
		if (kind !== LSTM)
			this.ln = [g("ln_g"), g("ln_b")], this.lnc = [g("lnc_g"), g("lnc_b")];
		if (kind === HYPER) {
			this.Nh = g("hyp_lnc_g").length;
			this.E = g("zw_b").length / 8;
			for (const s of ["hyp_wx", "hyp_wh", "zw_w", "zw_b",
				"alpha_w", "zb_w", "beta_w"])
				this[s] = g(s);
			this.hln = [g("hyp_ln_g"), g("hyp_ln_b")];
			this.hlnc = [g("hyp_lnc_g"), g("hyp_lnc_b")];
		}
	}

	// the state size S: values of h (and of c)
	get S() {
		return this.H + (this.kind === HYPER ? this.Nh : 0);
	}

	// step: {h, c} [S] each, input x [in] -> the new {h, c}.
	step(st, x) {
		if (this.kind === HYPER)
			return this.hyperStep(st, x);
		const H = this.H, a = new Float64Array(4 * H);
		addMatVec(a, x, this.wx, this.in, 4 * H);
		addMatVec(a, st.h, this.wh, H, 4 * H);
		if (this.kind === LSTM) {
			for (let k = 0; k < 4 * H; k++)
				a[k] += this.b[k];
			return gates(a, st.c, H, null);
		}
		for (let k = 0; k < 4; k++)
			layerNorm(a, k * H, H, this.ln[0], this.ln[1], k * H);
		return gates(a, st.c, H, this.lnc);
	}

	// hyperStep: the HyperLSTM of lib/hyper.h; state [h, h^], [c, c^].
	hyperStep(st, x) {
		const H = this.H, Nh = this.Nh, E = this.E, G = 4 * H;
		// 1. the hyper cell, a layer-norm LSTM on [x, h, h^]
		const ah = new Float64Array(4 * Nh);
		addMatVec(ah, x, this.hyp_wx, this.in, 4 * Nh);
		addMatVec(ah, st.h, this.hyp_wh, H + Nh, 4 * Nh);
		for (let k = 0; k < 4; k++)
			layerNorm(ah, k * Nh, Nh, this.hln[0], this.hln[1], k * Nh);
		const hy = gates(ah, st.c.subarray(H), Nh, this.hlnc);
		// 2. the main cell's products
		const xh = new Float64Array(G), hh = new Float64Array(G);
		addMatVec(xh, x, this.wx, this.in, G);
		addMatVec(hh, st.h, this.wh, H, G);
		// 3. the scalers from the new h^
		const zw = Float64Array.from(this.zw_b), zb = new Float64Array(4 * E);
		addMatVec(zw, hy.h, this.zw_w, Nh, 8 * E);
		addMatVec(zb, hy.h, this.zb_w, Nh, 4 * E);
		const alpha = new Float64Array(8 * H), beta = new Float64Array(G);
		for (let s = 0; s < 8; s++) {
			const y = alpha.subarray(s * H, (s + 1) * H);
			addMatVec(y, zw, this.alpha_w.subarray(s * E * H), E, H, s * E);
		}
		for (let k = 0; k < 4; k++) {
			const y = beta.subarray(k * H, (k + 1) * H);
			addMatVec(y, zb, this.beta_w.subarray(k * E * H), E, H, k * E);
		}
		// 4. the main cell, layer-normalised
		const a = new Float64Array(G);
		for (let k = 0; k < G; k++)
			a[k] = beta[k] + alpha[k] * xh[k] + alpha[G + k] * hh[k] + this.b[k];
		for (let k = 0; k < 4; k++)
			layerNorm(a, k * H, H, this.ln[0], this.ln[1], k * H);
		const m = gates(a, st.c, H, this.lnc);
		const h = new Float64Array(H + Nh), c = new Float64Array(H + Nh);
		h.set(m.h);
		h.set(hy.h, H);
		c.set(m.c);
		c.set(hy.c, H);
		return { h, c };
	}
}

export class Model {
	// json: the parsed file [info, shapes, blobs] (sketchjs(5)).
	constructor(json) {
		if (!Array.isArray(json) || json.length !== 3)
			throw new Error("not a sketch-rnn-js model [info, shapes, blobs]");
		const [info, shapes, blobs] = json;
		this.info = info;
		this.vae = isVae(info);
		this.encCell = info.enc_cell || LSTM;
		this.decCell = info.dec_cell || LSTM;
		this.name = info.name || "";
		this.scale = info.scale_factor;
		this.maxSeqLen = info.max_seq_len;
		const names = tensorOrder(this.vae, this.encCell, this.decCell);
		if (shapes.length !== names.length || blobs.length !== names.length)
			throw new Error(`${names.length} tensors expected, the file has ${shapes.length}`);
		const f32 = new Set(info.float32 || []);
		const t = {};
		names.forEach((n, i) => {
			const size = shapes[i].reduce((p, d) => p * d, 1);
			t[n] = weights(blobs[i], size, f32.has(i), n);
		});
		this.t = t;
		this.shapes = Object.fromEntries(names.map((n, i) => [n, shapes[i]]));
		this.H = this.shapes.out_w[0];
		this.M = (this.shapes.out_w[1] - 3) / 6;
		this.Nz = this.vae ? this.shapes.mu_w[1] : 0;
		this.dec = new Cell(t, "dec", this.decCell, this.H);
		if (this.vae) {
			this.E = this.shapes.enc_fw_wh[0];
			this.encFw = new Cell(t, "enc_fw", this.encCell, this.E);
			this.encBw = new Cell(t, "enc_bw", this.encCell, this.E);
		}
	}

	// encode: rows [n][5] of stroke-5 (without the start token) -> mu and
	// presig (sigma-hat) [Nz] (sketchrnn_encode).
	encode(rows) {
		if (!this.vae)
			throw new Error("a decoder-only model has no encoder");
		const run = (cell, seq) => {
			let s = { h: new Float64Array(cell.S), c: new Float64Array(cell.S) };
			for (const r of seq)
				s = cell.step(s, r);
			return s.h;
		};
		const hf = run(this.encFw, rows);
		const hb = run(this.encBw, rows.slice().reverse());
		const he = new Float64Array(2 * this.E);
		he.set(hf);
		he.set(hb, this.E);
		const mu = Float64Array.from(this.t.mu_b);
		const presig = Float64Array.from(this.t.sigma_b);
		addMatVec(mu, he, this.t.mu_w, 2 * this.E, this.Nz);
		addMatVec(presig, he, this.t.sigma_w, 2 * this.E, this.Nz);
		return { mu, presig };
	}

	// start: the decoder's initial state: zero, or for a VAE from z:
	// tanh(z init_w + init_b), [c, h] for LSTM, [h, c] for the others.
	start(z) {
		const S = this.dec.S;
		const st = { h: new Float64Array(S), c: new Float64Array(S), z: null };
		if (!this.vae)
			return st;
		if (!z || z.length !== this.Nz)
			throw new Error(`a VAE needs z of ${this.Nz} values`);
		const init = Float64Array.from(this.t.init_b);
		addMatVec(init, z, this.t.init_w, this.Nz, 2 * S);
		for (let k = 0; k < 2 * S; k++)
			init[k] = Math.tanh(init[k]);
		const cFirst = this.decCell === LSTM;
		st.c = init.slice(cFirst ? 0 : S, cFirst ? S : 2 * S);
		st.h = init.slice(cFirst ? S : 0, cFirst ? 2 * S : S);
		st.z = Float64Array.from(z);
		return st;
	}

	// step: feed one stroke-5 row to the decoder; returns the new state.
	step(st, row) {
		let x = row;
		if (this.vae) {
			x = new Float64Array(5 + this.Nz);
			x.set(row);
			x.set(st.z, 5);
		}
		const s = this.dec.step(st, x);
		s.z = st.z;
		return s;
	}

	// head: the output layer's row y [6M+3] of state st.
	head(st) {
		const y = Float64Array.from(this.t.out_b);
		addMatVec(y, st.h, this.t.out_w, this.H, 6 * this.M + 3);
		return y;
	}

	// mixture: the mixture parameters at temperature tau (sample_mixture):
	// convention "paper" (softmax(logits / tau)) or "magenta" (softmax
	// at 0.5 + 0.5 tau); sigma times sqrt(tau) in both.
	mixture(st, tau, convention = "paper") {
		const y = this.head(st), M = this.M;
		const td = convention === "magenta" ? 0.5 + 0.5 * tau : tau;
		const st2 = Math.sqrt(tau);
		const soft = (o, n) => {
			let mx = y[o];
			for (let i = 1; i < n; i++)
				mx = Math.max(mx, y[o + i]);
			const e = [];
			let sum = 0;
			for (let i = 0; i < n; i++)
				sum += (e[i] = Math.exp((y[o + i] - mx) / td));
			return e.map((v) => v / sum);
		};
		const blk = (b, f) => Array.from({ length: M },
			(_, k) => f(y[3 + b * M + k]));
		return {
			M, pen: soft(0, 3), pi: soft(3, M),
			mux: blk(1, (v) => v), muy: blk(2, (v) => v),
			sx: blk(3, (v) => Math.exp(v) * st2),
			sy: blk(4, (v) => Math.exp(v) * st2),
			rho: blk(5, Math.tanh),
		};
	}
}

function choose(p, u) {
	let sum = 0;
	for (let i = 0; i < p.length; i++) {
		sum += p[i];
		if (sum >= u)
			return i;
	}
	return p.length - 1;
}

// sampleRow: one stroke-5 row from a mixture, with uniforms from rand()
// in sketchrnn's (and Magenta's) order: the component, the pen, then
// polar-method normals (sample.h).
export function sampleRow(mix, rand) {
	const k = choose(mix.pi, rand()), pen = choose(mix.pen, rand());
	let u, v, s;
	do {
		u = 2 * rand() - 1;
		v = 2 * rand() - 1;
		s = u * u + v * v;
	} while (s === 0 || s > 1);
	const c = Math.sqrt(-2 * Math.log(s) / s), z1 = u * c, z2 = v * c;
	const r = mix.rho[k];
	const dx = mix.mux[k] + mix.sx[k] * (Math.sqrt(1 - r * r) * z1 + r * z2);
	const dy = mix.muy[k] + mix.sy[k] * z2;
	const row = [dx, dy, 0, 0, 0];
	row[2 + pen] = 1;
	return row;
}

// complete: feed the prefix rows (stroke-5, without the start token) from
// z (or null) and sample until the end pen or maxlen rows; returns the
// sampled rows (the end row not included).
export function complete(model, prefix, z, tau, maxlen, rand, convention = "paper") {
	let st = model.step(model.start(z), [0, 0, 1, 0, 0]);
	for (const r of prefix)
		st = model.step(st, r);
	const out = [];
	for (let i = 0; i < maxlen; i++) {
		const row = sampleRow(model.mixture(st, tau, convention), rand);
		if (row[4] === 1)
			break;
		out.push(row);
		st = model.step(st, row);
	}
	return out;
}
