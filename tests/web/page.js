// tests/web/page.js URL PNG [vae|novae [FILE]]: opens web/index.html at URL in Debian's
// Chromium (headless, playwright-core from web/node_modules), waits for the
// first drawing, then draws two strokes on the canvas with simulated
// pointer input (page.mouse: down, moves, up), sets the temperature slider
// to 0.5, clicks "Finish" and, with "vae", "Reconstruct" and interpolates
// to a second drawing; screenshots the
// page after Finish to PNG.  Prints one "key value" line each:
//   prefix     stroke-5 rows the page made of the drawing
//   penups     of them, rows with the pen lifted (p2), one a stroke
//   sumdx      the prefix's summed dx times the model's scale_factor
//              (pixels: the drawing's last point minus its first)
//   sumdy      the same for dy
//   temp       the temperature Finish used
//   ink0..ink3 drawn pixels of each ending canvas after Finish
//   red0..red3 of them, pixels of the ending (red), not the drawing
//   rows       the rows sampled for each ending, comma separated
//   distinct   how many of the four ending canvases differ
//   rink       (vae) drawn pixels of the reconstructions, summed
//   iink       (vae) after "Keep as A", Clear, a box drawn and
//              "Interpolate": each canvas's drawn pixels, comma separated
//   idistinct  how many of those four canvases differ
//   opened     (FILE) the heading after opening FILE with the page's file
//              input (and its first drawing)
//   picked     (FILE) then the heading after choosing the first model again
//              in the model picker
// Exits 1 with a message when the page fails or takes longer than 120 s.
// It judges nothing: tests/test-web.sh does.

"use strict";

const fs = require("fs");
const path = require("path");

const browser = require("./browser.js");
const TIMEOUT = 120000;
// the drawing, in canvas pixels: two strokes
const STROKES = [
	[[120, 200], [160, 170], [200, 160], [240, 170], [280, 200]],
	[[150, 260], [200, 280], [250, 260]],
];
// a second drawing, B for Interpolate: a box
const STROKES_B = [[[100, 100], [300, 100], [300, 300], [100, 300], [100, 100]]];

const waitCount = (page, n) => browser.waitCount(page, n, TIMEOUT);

async function drawStrokes(page, strokes = STROKES) {
	const box = await page.locator("#canvas").boundingBox();
	for (const s of strokes) {
		await page.mouse.move(box.x + s[0][0], box.y + s[0][1]);
		await page.mouse.down();
		for (const [x, y] of s.slice(1))
			await page.mouse.move(box.x + x, box.y + y, { steps: 4 });
		await page.mouse.up();
	}
}

// endingInk: drawn pixels and red pixels of each ending canvas, and a hash.
function endingInk() {
	return [0, 1, 2, 3].map((i) => {
		const c = document.getElementById(`end${i}`);
		const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
		let ink = 0, red = 0, hash = 0x811c9dc5;
		for (let j = 0; j < d.length; j += 4) {
			for (let k = j; k < j + 4; k++)
				hash = Math.imul(hash ^ d[k], 0x01000193) >>> 0;
			if (d[j + 3] > 0 && d[j] + d[j + 1] + d[j + 2] < 600)
				ink++;
			if (d[j] > 150 && d[j + 1] < 100 && d[j + 2] < 100)
				red++;
		}
		return { ink, red, hash };
	});
}

async function main() {
	const [url, png, vae, file] = process.argv.slice(2);
	if (!url || !png) {
		process.stderr.write("usage: node page.js URL PNG [vae|novae [FILE]]\n");
		process.exit(1);
	}
	const logs = [];
	let b;
	try {
		b = await browser.open({
			viewport: { width: 820, height: 780 }, timeout: TIMEOUT,
		});
		const page = b.page;
		page.on("console", (m) => logs.push(`console ${m.type()}: ${m.text()}`));
		page.on("pageerror", (e) => logs.push(`page error: ${e}`));
		await page.goto(url, { timeout: TIMEOUT });
		await waitCount(page, 1);
		await drawStrokes(page);
		await page.$eval("#temp", (s) => {
			s.value = "0.5";
			s.dispatchEvent(new Event("input"));
		});
		await page.click("#finish");
		await waitCount(page, 2);
		await page.screenshot({ path: png });
		const r = await page.evaluate(() => {
			const p = window.sketchPrefix;
			return {
				prefix: p.length,
				penups: p.filter((row) => row[3] === 1).length,
				sumdx: p.reduce((s, row) => s + row[0], 0) * window.sketchScale,
				sumdy: p.reduce((s, row) => s + row[1], 0) * window.sketchScale,
				temp: window.sketchTemperature,
				rows: window.sketchEndings.map((e) => e.length).join(","),
			};
		});
		const ink = await page.evaluate(endingInk);
		let out = `prefix ${r.prefix}\npenups ${r.penups}\n` +
			`sumdx ${r.sumdx}\nsumdy ${r.sumdy}\ntemp ${r.temp}\n` +
			`rows ${r.rows}\n`;
		ink.forEach((e, i) => (out += `ink${i} ${e.ink}\nred${i} ${e.red}\n`));
		out += `distinct ${new Set(ink.map((e) => e.hash)).size}\n`;
		if (vae === "vae") {
			await page.click("#reconstruct");
			await waitCount(page, 3);
			const rink = (await page.evaluate(endingInk))
				.reduce((s, e) => s + e.ink, 0);
			out += `rink ${rink}\n`;
			await page.click("#keep");
			await page.click("#clear");
			await drawStrokes(page, STROKES_B);
			await page.click("#interpolate");
			await waitCount(page, 4);
			const il = await page.evaluate(endingInk);
			out += `iink ${il.map((e) => e.ink).join(",")}\n` +
				`idistinct ${new Set(il.map((e) => e.hash)).size}\n`;
		}
		if (file) {
			const n = await page.evaluate(() => window.sketchCount);
			await page.setInputFiles("#file", file);
			await waitCount(page, n + 1);
			out += `opened ${await page.textContent("#name")}\n`;
			const m = new URL(url).searchParams.get("model");
			await page.selectOption("#picker", m);
			await waitCount(page, n + 2);
			out += `picked ${await page.textContent("#name")}\n`;
		}
		process.stdout.write(out);
	} catch (err) {
		for (const l of logs.slice(-10))
			process.stderr.write(`page.js: ${l}\n`);
		process.stderr.write(`page.js: ${String(err.message || err).split("\n")[0]}\n`);
		process.exitCode = 1;
	} finally {
		await browser.close(b);
	}
}

main();
