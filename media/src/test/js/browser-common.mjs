// Shared by the browser drivers: a cross-origin-isolated page server (COOP same-origin, COEP
// require-corp, so SharedArrayBuffer exists as on a real deployment of the hang player) whose script is
// bundled from node_modules by esbuild, and Debian's Chromium launched headless by playwright-core.
import http from "node:http";
import fs from "node:fs";
import * as esbuild from "esbuild";
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.PARLEY_CHROMIUM ?? "/usr/bin/chromium";
export const emit = (o) => console.log(JSON.stringify(o));
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Bundles `entry` and serves it under a cross-origin-isolated page; resolves with {origin, close}. */
export async function servePage(entry) {
	const here = new URL(".", import.meta.url).pathname; // scripts may run from another directory (a lab namespace)
	const built = await esbuild.build({
		absWorkingDir: here,
		entryPoints: [entry],
		bundle: true,
		format: "esm",
		target: "chrome120",
		write: false,
		logLevel: "silent",
		loader: { ".wasm": "file" },
		outdir: "bundle",
	});
	const files = new Map(built.outputFiles.map((f) => ["/" + f.path.split("/bundle/")[1], f.contents]));
	const script = [...files.keys()].find((k) => k.endsWith(".js"));
	const html = `<!doctype html><html><head><meta charset="utf-8"><title>parley browser test</title></head>` +
		`<body style="margin:0"><script type="module" src="${script}"></script></body></html>`;
	const isolation = {
		"Cross-Origin-Opener-Policy": "same-origin",
		"Cross-Origin-Embedder-Policy": "require-corp",
		"Cross-Origin-Resource-Policy": "same-origin",
	};
	const server = http.createServer((req, res) => {
		const path = new URL(req.url, "http://x").pathname;
		if (path === "/") {
			res.writeHead(200, { "Content-Type": "text/html", ...isolation });
			res.end(html);
		} else if (files.has(path)) {
			const type = path.endsWith(".js") ? "text/javascript" : path.endsWith(".wasm") ? "application/wasm" : "application/octet-stream";
			res.writeHead(200, { "Content-Type": type, ...isolation });
			res.end(Buffer.from(files.get(path)));
		} else {
			res.writeHead(404, isolation);
			res.end();
		}
	});
	await new Promise((r) => server.listen(0, "127.0.0.1", r));
	return { origin: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

/**
 * Launches headless Chromium (as root it needs --no-sandbox) on a fresh profile (playwright makes and
 * removes a temporary one); extra flags e.g. for fake devices.
 */
export async function launch(extraArgs = []) {
	if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}`);
	const browser = await chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: [
			"--no-sandbox",
			"--disable-gpu",
			"--disable-quic",
			"--no-first-run",
			"--disable-background-networking",
			"--disable-component-update",
			"--disable-sync",
			"--autoplay-policy=no-user-gesture-required",
			...extraArgs,
		],
	});
	const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
	const lines = [];
	page.on("console", (m) => lines.push(`${m.type()}: ${m.text()}`));
	page.on("pageerror", (e) => lines.push(`pageerror: ${e.message}`));
	return { browser, page, console: lines };
}
