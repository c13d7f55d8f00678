// tests/web/decode.js URL CASE...: runs web/sketchrnn.js in Debian's
// Chromium (headless, playwright-core from web/node_modules) on the page
// served at URL (a directory holding sketchrnn.js, compare.mjs and the
// files named in the cases) and compares it with sketchrnn's C code.
// Each CASE is "MODEL.json,DUMP.json,TAU,CONVENTION": the model as
// model2js wrote it and what tests/mdn_dump printed for the same model
// (its stroke-5 input rows, z, mu and presig, every step's mixture
// parameters at TAU and CONVENTION, 0 paper, 1 Magenta).  In the page,
// the module encodes the rows (a VAE), starts the decoder from the dump's
// z, feeds the rows and computes each step's mixture; here every value is
// compared (|js - c| / max(1, |c|)).  Prints "MODEL worst WHERE steps" a
// case; it judges nothing: tests/test-webdecode.sh does.

"use strict";

const fs = require("fs");
const path = require("path");

const browser = require("./browser.js");
const TIMEOUT = 60000;

async function main() {
	const [url, ...cases] = process.argv.slice(2);
	if (!url || cases.length === 0) {
		process.stderr.write("usage: node decode.js URL MODEL,DUMP,TAU,CONV...\n");
		process.exit(1);
	}
	let b;
	try {
		b = await browser.open({ timeout: TIMEOUT });
		const page = b.page;
		const errors = [];
		page.on("pageerror", (e) => errors.push(String(e)));
		await page.goto(url, { timeout: TIMEOUT });
		const { worst } = await import(path.join(__dirname, "compare.mjs"));
		for (const c of cases) {
			const [model, dump, tau, conv] = c.split(",");
			const d = JSON.parse(fs.readFileSync(dump, "utf8"));
			const js = await page.evaluate(async (a) => {
				const mod = await import("./sketchrnn.js");
				const cmp = await import("./compare.mjs");
				const j = await (await fetch(a.model)).json();
				return cmp.run(mod, j, a.d, a.tau, a.conv);
			}, { model: path.basename(model), d, tau: Number(tau), conv: Number(conv) });
			const w = worst(js, d);
			process.stdout.write(`${path.basename(model)} ${w.w.toExponential(2)} ${w.where.replace(/ /g, "_") || "-"} ${js.steps.length}\n`);
		}
		if (errors.length)
			throw new Error(errors[0]);
	} catch (err) {
		process.stderr.write(`decode.js: ${String(err.message || err).split("\n")[0]}\n`);
		process.exitCode = 1;
	} finally {
		await browser.close(b);
	}
}

main();
