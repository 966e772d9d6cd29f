// Shared setup for Parley's interop scripts: Node 20 polyfills, a lite-03 connection over QMux/WebSocket,
// and JSON-line output (one object per line; @moq/lite's own debug logging is plain text).
import WebSocket from "ws";
import { createHash } from "node:crypto";

globalThis.WebSocket ??= WebSocket;
Promise.withResolvers ??= function () {
	let resolve, reject;
	const promise = new Promise((a, b) => ((resolve = a), (reject = b)));
	return { promise, resolve, reject };
};
// Needed when the JavaScript side publishes (lite/publisher.js diffs announced sets).
if (!Set.prototype.difference) {
	Set.prototype.difference = function (other) {
		const out = new Set();
		for (const v of this) if (!other.has(v)) out.add(v);
		return out;
	};
}

export const emit = (o) => console.log(JSON.stringify(o));
export const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");
export const hex = (bytes) => Buffer.from(bytes).toString("hex");

export function deadline(ms) {
	setTimeout(() => {
		emit({ event: "timeout", ms });
		process.exit(3);
	}, ms).unref();
}

/**
 * Connects with @moq/lite 0.2.2. `protocols` "default" uses the client's own default connect (bare qmux-00
 * subprotocol, version settled by the legacy SETUP); otherwise a comma list of app protocols is forced
 * through an explicit qmux Session (default "moq-lite-03").
 */
export async function connect(url, protocols = "moq-lite-03") {
	const Moq = await import("@moq/lite");
	if (protocols === "default") {
		const conn = await Moq.Connection.connect(new URL(url));
		emit({ event: "connected", protocol: "", version: conn.version });
		return { Moq, conn };
	}
	const { default: Session } = await import("@moq/qmux");
	const transport = new Session(new URL(url), { protocols: protocols.split(",") });
	await transport.ready;
	const conn = await Moq.Connection.connect(new URL(url), { transport });
	emit({ event: "connected", protocol: transport.protocol, version: conn.version });
	return { Moq, conn };
}

/** The hang "legacy" container: a QUIC varint timestamp in microseconds, then the payload. */
export function legacyTimestamp(frame) {
	const len = 1 << (frame[0] >> 6);
	let t = frame[0] & 0x3f;
	for (let j = 1; j < len; j++) t = t * 256 + frame[j];
	return { timestamp: t, headerLength: len };
}
