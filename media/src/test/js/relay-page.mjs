// Opens a page of `parley relay` (its own bundle of @moq/watch and @moq/publish, served by the relay) in
// Debian's headless Chromium through playwright-core, with the fake camera and microphone; optionally
// clicks its Publish button. Reads Parley's timestamp barcode (64 blocks across the top rows; block i is
// bit 63−i of the capture time in ms since the Unix epoch) from every player's painted canvas each
// animation frame, and prints one JSON object per line ({"event": ...}): "sample" every 500 ms
// (the page's window.parley state and per-player counts), then "paints" per player and "done".
//
// Usage: node relay-page.mjs <pageUrl> <runMs> [publish [displayName]]  (the name is typed into the room
// page's name field before Publish is clicked). While it runs, a line `click <selector>` on stdin clicks
// that element and answers {"event":"clicked","target":<selector>}.
import readline from "node:readline";
import { launch, emit, sleep } from "./browser-common.mjs";

const [url, runArg, action, displayName] = process.argv.slice(2);
const runMs = Number(runArg ?? 15000);
setTimeout(() => {
	emit({ event: "timeout", ms: runMs + 20000 });
	process.exit(3);
}, runMs + 20000).unref();

const { browser, page, console: consoleLines } = await launch([
	"--use-fake-device-for-media-stream",
	"--use-fake-ui-for-media-stream",
]);

// Test-side reader, injected before the page's own script: keys players by their broadcast name.
await page.addInitScript(() => {
	const readers = new Map(); // canvas -> {name, ctx, last, paints, unreadable}
	window.relayTest = { readers };
	new MutationObserver(() => {
		for (const canvas of document.querySelectorAll("moq-watch canvas")) {
			if (!readers.has(canvas)) {
				// first getContext fixes the attributes; the player's renderer gets this same 2d context
				const ctx = canvas.getContext("2d", { willReadFrequently: true });
				readers.set(canvas, { name: canvas.parentElement.getAttribute("name"), ctx, last: 0, paints: [], unreadable: 0 });
			}
		}
	}).observe(document, { childList: true, subtree: true });
	const read = (r, canvas) => {
		const w = canvas.width, h = canvas.height;
		if (!r.ctx || w < 64 || h < 8) return undefined;
		const row = r.ctx.getImageData(0, Math.max(0, Math.floor((h * 16) / 720 / 2)), w, 1).data;
		let value = 0;
		for (let i = 0; i < 64; i++) {
			const x = Math.floor((Math.floor((i * w) / 64) + Math.floor(((i + 1) * w) / 64)) / 2);
			const luma = (row[x * 4] * 77 + row[x * 4 + 1] * 150 + row[x * 4 + 2] * 29) >> 8;
			value = value * 2 + (luma >= 128 ? 1 : 0);
		}
		return value;
	};
	const frame = () => {
		const now = performance.timeOrigin + performance.now();
		for (const [canvas, r] of readers) {
			const value = read(r, canvas);
			if (value === undefined || value === r.last) continue;
			if (Math.abs(now - value) < 10_000) {
				if (value > r.last) r.paints.push({ capture: value, latency: now - value });
				r.last = value;
			} else if (value !== 0) {
				r.unreadable++;
			}
		}
		requestAnimationFrame(frame);
	};
	requestAnimationFrame(frame);
});

const sample = () => page.evaluate(() => {
	const p = window.parley ?? {};
	const peek = (s) => {
		try {
			return s?.peek?.();
		} catch {
			return undefined;
		}
	};
	const players = {};
	for (const w of document.querySelectorAll("moq-watch")) {
		const r = [...window.relayTest.readers.values()].find((x) => x.name === w.getAttribute("name"));
		players[w.getAttribute("name")] = {
			version: peek(w.connection?.established)?.version ?? null,
			decodedFrames: peek(w.video?.out?.stats)?.frameCount ?? 0,
			audioBytes: peek(w.audio?.out?.stats)?.bytesReceived ?? 0,
			paints: r?.paints.length ?? 0,
		};
	}
	const pub = p.publisher;
	return {
		status: p.status ?? null,
		scope: p.scope ?? null,
		me: p.me ?? null,
		tiles: Object.keys(p.tiles ?? {}),
		captions: [...document.querySelectorAll("figcaption")].map((c) => c.textContent),
		publishing: p.publishing === true,
		muted: p.muted === true,
		publishVersion: peek(pub?.connection?.established)?.version ?? null,
		videoSource: pub ? peek(pub.broadcast?.video?.source) !== undefined : null,
		audioSource: pub ? peek(pub.broadcast?.audio?.source) !== undefined : null,
		crossOriginIsolated: self.crossOriginIsolated === true,
		players,
		errors: p.errors ?? [],
	};
});

try {
	const response = await page.goto(url);
	emit({ event: "page", status: response.status(), coop: response.headers()["cross-origin-opener-policy"] ?? null });
	if (action === "publish") {
		if (displayName) {
			await page.fill("#display-name", displayName, { timeout: 10000 });
		}
		await page.click("#publish", { timeout: 10000 });
		emit({ event: "clicked", target: "publish" });
	}
	readline.createInterface({ input: process.stdin }).on("line", async (line) => {
		const [command, selector] = line.trim().split(/\s+/, 2);
		if (command !== "click" || !selector) return emit({ event: "error", message: `unknown command: ${line}` });
		try {
			await page.click(selector, { timeout: 10000 });
			emit({ event: "clicked", target: selector });
		} catch (e) {
			emit({ event: "error", message: `click ${selector}: ${e.message}` });
		}
	});
	const started = Date.now();
	let stopping = false;
	process.on("SIGTERM", () => (stopping = true));
	while (!stopping && Date.now() - started < runMs) {
		await sleep(500);
		emit({ event: "sample", ms: Date.now() - started, ...(await sample()) });
	}
	const paints = await page.evaluate(() => [...window.relayTest.readers.values()].map((r) => ({
		name: r.name, unreadable: r.unreadable, capture: r.paints.map((p) => p.capture), latency: r.paints.map((p) => Math.round(p.latency)),
	})));
	emit({ event: "paints", players: paints });
	emit({ event: "console", lines: consoleLines.filter((l) => /error|warn/i.test(l)).slice(-30) });
	emit({ event: "done" });
} finally {
	await browser.close();
}
process.exit(0);
