// Drives @moq/publish 0.2.17 in Debian's headless Chromium (playwright-core, executablePath
// /usr/bin/chromium, fake camera and microphone) publishing a broadcast to Parley, which watches it.
// Prints one JSON object per line ({"event": ...}); runs until killed or the timeout.
//
// Usage: node browser-publish.mjs <parleyUrl> <broadcast> [timeoutMs]
import { launch, servePage, emit, sleep } from "./browser-common.mjs";

const [url, name, timeoutArg] = process.argv.slice(2);
const timeout = Number(timeoutArg ?? 30000);
const server = await servePage("browser-publish-page.js");
const { browser, page, console: consoleLines } = await launch([
	"--use-fake-device-for-media-stream",
	"--use-fake-ui-for-media-stream",
]);
const stop = async (code) => {
	emit({ event: "console", lines: consoleLines.filter((l) => /error|warn/i.test(l)).slice(-30) });
	await browser.close();
	server.close();
	process.exit(code);
};
process.on("SIGTERM", () => stop(0));
setTimeout(() => {
	emit({ event: "timeout", ms: timeout });
	stop(3);
}, timeout).unref();
await page.goto(`${server.origin}/?${new URLSearchParams({ url, name })}`);
const started = Date.now();
for (;;) {
	await sleep(500);
	emit({ event: "sample", ms: Date.now() - started, ...(await page.evaluate(() => window.snapshot())) });
}
