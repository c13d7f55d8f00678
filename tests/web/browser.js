// tests/web/browser.js: Debian's Chromium, headless, through playwright-core
// (web/node_modules), as the page tests drive it.  open(options) starts it
// on a fresh profile (options go to launchPersistentContext: viewport,
// timeout) and gives { context, page, profile }; close(browser) ends it and
// removes the profile; waitCount(page, n, timeout) waits for the page's
// n-th finished action.

"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");

const WEB = path.join(__dirname, "..", "..", "web");
const { chromium } = require(path.join(WEB, "node_modules", "playwright-core"));

// Without these, Chromium's background connections (updates, sync, QUIC)
// are refused slowly on a machine with no network.
const FLAGS = [
	"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
	"--no-first-run", "--disable-background-networking",
	"--disable-component-update", "--disable-sync",
];

async function open(options) {
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), "sketchrnn-chromium."));
	let context;
	try {
		context = await chromium.launchPersistentContext(profile, {
			executablePath: "/usr/bin/chromium", headless: true,
			args: FLAGS, ...options,
		});
	} catch (err) {
		fs.rmSync(profile, { recursive: true, force: true });
		throw err;
	}
	const page = context.pages()[0] || await context.newPage();
	return { context, page, profile };
}

async function close(browser) {
	if (!browser)
		return;
	await browser.context.close();
	fs.rmSync(browser.profile, { recursive: true, force: true });
}

// waitCount: until the page has finished n actions (window.sketchCount,
// with window.sketchDone); throws what the page reports as its error.
async function waitCount(page, n, timeout) {
	await page.waitForFunction(
		(want) => window.sketchError !== undefined ||
			(window.sketchDone && window.sketchCount >= want),
		n, { timeout });
	const err = await page.evaluate(() => window.sketchError);
	if (err !== undefined)
		throw new Error(`page reports: ${err}`);
}

module.exports = { open, close, waitCount };
