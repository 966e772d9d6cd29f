// Drives the hang web player (@moq/watch 0.4.6) in Debian's headless Chromium through playwright-core
// (executablePath /usr/bin/chromium; no browser is ever downloaded) against a Parley broadcast.
// Serves a cross-origin-isolated page (COOP/COEP) with the player bundled by esbuild, waits for
// painted frames, and prints one JSON object per line ({"event": ...}).
//
// Usage: node browser-watch.mjs <parleyUrl> <broadcast> <watchMs> [timeoutMs] [key=value page params...]
import { launch, servePage, emit, sleep } from "./browser-common.mjs";

const [url, name, watchArg, timeoutArg, ...extra] = process.argv.slice(2);
const watchMs = Number(watchArg ?? 8000);
const timeout = Number(timeoutArg ?? 30000);
setTimeout(() => {
	emit({ event: "timeout", ms: timeout });
	process.exit(3);
}, timeout).unref();

const server = await servePage("browser-watch-page.js");
const { browser, page, console: consoleLines } = await launch();
const query = new URLSearchParams({ url, name });
for (const kv of extra) {
	const [k, v] = kv.split("=");
	query.set(k, v);
}
try {
	await page.goto(`${server.origin}/?${query}`);
	const started = Date.now();
	const env = await page.evaluate(() => ({
		crossOriginIsolated: window.harness.crossOriginIsolated,
		sharedArrayBuffer: window.harness.sharedArrayBuffer,
		webcodecs: window.harness.webcodecs,
	}));
	emit({ event: "page", ...env });
	let firstPaint;
	// leave time to collect the results and close the browser before the hard timeout
	while (Date.now() - started < timeout - 10000) {
		await sleep(250);
		const s = await page.evaluate(() => window.snapshot());
		emit({ event: "sample", ms: Date.now() - started, ...s });
		if (s.paints > 0 && firstPaint === undefined) {
			firstPaint = Date.now() - started;
			emit({ event: "first-paint", ms: firstPaint });
		}
		if (firstPaint !== undefined && Date.now() - started - firstPaint >= watchMs) break;
	}
	const h = await page.evaluate(() => window.harness);
	emit({ event: "tracks", tracks: h.tracks });
	emit({ event: "probes", probes: h.probes });
	emit({ event: "paints", unreadable: h.unreadable, paints: h.paints, draws: h.draws });
	emit({ event: "errors", errors: h.errors, console: consoleLines.filter((l) => /error|warn/i.test(l)).slice(-30) });
	emit({ event: "done" });
} finally {
	await browser.close();
	server.close();
}
process.exit(0);
