// tests/web/compare.mjs: the comparison shared by tests/web/decode.js (in
// Chromium) and a run under node: web/sketchrnn.js on the inputs of a
// tests/mdn_dump output, every value against the C one.
export function run(mod, modelJson, dump, tau, convention) {
	const m = new mod.Model(modelJson);
	const conv = convention === 1 ? "magenta" : "paper";
	const r = { steps: [], mu: null, presig: null };
	if (m.vae) {
		const e = m.encode(dump.rows.slice(1));
		r.mu = Array.from(e.mu);
		r.presig = Array.from(e.presig);
	}
	let st = m.start(m.vae ? dump.z : null);
	for (const row of dump.rows) {
		st = m.step(st, row);
		r.steps.push(m.mixture(st, tau, conv));
	}
	return r;
}

// worst: the largest |js - c| / max(1, |c|) over every value.
export function worst(js, dump) {
	let w = 0, where = "";
	const cmp = (a, b, what) => {
		for (let i = 0; i < b.length; i++) {
			const d = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
			if (!(d <= w)) {
				w = Number.isNaN(d) ? Infinity : d;
				where = `${what}[${i}]`;
			}
		}
	};
	if (dump.mu) {
		cmp(js.mu, dump.mu, "mu");
		cmp(js.presig, dump.presig, "presig");
	}
	if (js.steps.length !== dump.steps.length)
		return { w: Infinity, where: "step count" };
	dump.steps.forEach((s, t) => {
		for (const k of ["pen", "pi", "mux", "muy", "sx", "sy", "rho"])
			cmp(js.steps[t][k], s[k], `step ${t} ${k}`);
	});
	return { w, where };
}
