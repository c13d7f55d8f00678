// tests/web/shot.js URL PNG [PNG2]: opens the sketch page web/index.html at
// URL in Debian's Chromium (/usr/bin/chromium, headless, driven by
// playwright-core from web/node_modules), waits for the first drawing,
// screenshots the page to PNG, clicks "Draw", waits for the second
// drawing (screenshot to PNG2 when given) and prints what it saw, one
// "key value" line each:
//   name     the heading (model name, units, URL)
//   rows1    rows sampled for the first drawing
//   ink1     canvas pixels that are drawn on (opaque and not near white)
//   rows2    rows of the second drawing
//   ink2     its drawn pixels
//   changed  1 when the second canvas differs from the first, else 0
// Exits 1 with a message when the page fails, reports an error or takes
// longer than 60 s for a drawing.  It judges nothing: tests/test-web.sh does.

"use strict";

const fs = require("fs");
const path = require("path");

const browser = require("./browser.js");
const TIMEOUT = 60000;

function die(msg) {
	process.stderr.write(`shot.js: ${msg}\n`);
	process.exit(1);
}

// Waits until drawing number n is on the canvas; fails on a page error.
const waitDrawing = (page, n) => browser.waitCount(page, n, TIMEOUT);

// Counts drawn pixels and returns them with a 32-bit FNV-1a hash of the
// canvas data.
function canvasInk() {
	const c = document.getElementById("canvas");
	const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
	let ink = 0, hash = 0x811c9dc5;
	for (let i = 0; i < d.length; i += 4) {
		for (let j = i; j < i + 4; j++)
			hash = Math.imul(hash ^ d[j], 0x01000193) >>> 0;
		if (d[i + 3] > 0 && d[i] + d[i + 1] + d[i + 2] < 600)
			ink++;
	}
	return { ink, rows: window.sketchRows, hash };
}

async function main() {
	const [url, png, png2] = process.argv.slice(2);
	if (!url || !png)
		die("usage: node shot.js URL PNG [PNG2]");
	const logs = [];
	let b;
	try {
		b = await browser.open({
			viewport: { width: 480, height: 540 }, timeout: TIMEOUT,
		});
		const page = b.page;
		page.on("console",
			(m) => logs.push(`console ${m.type()}: ${m.text()}`));
		page.on("pageerror", (e) => logs.push(`page error: ${e}`));
		page.on("requestfailed", (r) => logs.push(
			`failed: ${r.url()}: ${r.failure().errorText}`));
		await page.goto(url, { timeout: TIMEOUT });
		await waitDrawing(page, 1);
		await page.screenshot({ path: png });
		const first = await page.evaluate(canvasInk);
		const name = await page.textContent("#name");
		await page.click("#again");
		await waitDrawing(page, 2);
		if (png2)
			await page.screenshot({ path: png2 });
		const second = await page.evaluate(canvasInk);
		const changed = first.hash !== second.hash;
		process.stdout.write(`name ${name}\n` +
			`rows1 ${first.rows}\nink1 ${first.ink}\n` +
			`rows2 ${second.rows}\nink2 ${second.ink}\n` +
			`changed ${changed ? 1 : 0}\n`);
	} catch (err) {
		for (const l of logs.slice(-10))
			process.stderr.write(`shot.js: ${l}\n`);
		const msg = String(err.message || err).split("\n")[0];
		process.stderr.write(`shot.js: ${msg}\n`);
		process.exitCode = 1;
	} finally {
		await browser.close(b);
	}
}

main();
