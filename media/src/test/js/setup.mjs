// Imported first by the scripts (before any @moq package): what a browser gives the hang web player and Node 20 lacks.
// - WebSocket (the `ws` package), Promise.withResolvers, navigator.userAgent (read by @moq/hang/util at import).
// - Bundler-style module resolution: @moq/hang ships extensionless and directory imports ("./catalog")
//   that the player's bundler resolves; resolve-hooks.mjs does the same for Node.
import { register } from "node:module";
import WebSocket from "ws";

globalThis.WebSocket ??= WebSocket;
globalThis.navigator ??= { userAgent: `Node.js/${process.version}` };
Promise.withResolvers ??= function () {
	let resolve, reject;
	const promise = new Promise((a, b) => ((resolve = a), (reject = b)));
	return { promise, resolve, reject };
};
if (!Set.prototype.difference) {
	Set.prototype.difference = function (other) {
		const out = new Set();
		for (const v of this) if (!other.has(v)) out.add(v);
		return out;
	};
}
register("./resolve-hooks.mjs", import.meta.url);
