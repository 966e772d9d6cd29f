// The page the hang web player runs in for HangPlayerBrowserTest: the real <moq-watch> element of
// @moq/watch 0.4.6 (bundled by esbuild), default connection settings, painting into a <canvas>.
// Every animation frame it reads Parley's timestamp barcode (64 blocks across the top rows; block i is
// bit 63−i of the capture time in ms since the Unix epoch) from the painted pixels, and keeps what the
// player reports: decoded frames, the chosen rendition, the PROBE estimate, the jitter allowance and the
// audio clock. The Node driver (browser-watch.mjs) reads window.harness.
import "@moq/watch/element";

// When WebCodecs hands each decoded frame to the player (by frame timestamp, µs), to split the time
// after the player's due time into decode and paint. The player constructs its decoders later, from
// this global.
const decodedAt = new Map();
if (typeof VideoDecoder !== "undefined") {
	const Native = VideoDecoder;
	window.VideoDecoder = class extends Native {
		constructor(init) {
			super({
				...init,
				output: (frame) => {
					decodedAt.set(frame.timestamp, performance.now());
					if (decodedAt.size > 600) decodedAt.delete(decodedAt.keys().next().value);
					return init.output(frame);
				},
			});
		}
	};
}

const params = new URLSearchParams(location.search);
const bandRows = Number(params.get("bandRows") ?? 16);
const sourceHeight = Number(params.get("sourceHeight") ?? 720);

const canvas = document.createElement("canvas");
// The first getContext call fixes the attributes; the player's renderer gets this same context.
const ctx = canvas.getContext("2d", { willReadFrequently: true });
const el = document.createElement("moq-watch");
el.style.width = params.get("width") ?? "1280px";
el.style.height = params.get("height") ?? "720px";
el.appendChild(canvas);
el.setAttribute("url", params.get("url"));
el.setAttribute("name", params.get("name"));
document.body.appendChild(el);

const harness = {
	crossOriginIsolated: self.crossOriginIsolated === true,
	sharedArrayBuffer: typeof SharedArrayBuffer !== "undefined",
	webcodecs: typeof VideoDecoder !== "undefined" && typeof AudioDecoder !== "undefined",
	paints: [], // {capture, seen, latency} per new barcode value seen on the canvas
	draws: [], // {capture, latency, media} per new barcode value the player drew into the canvas
	lag: {}, // per kind (audio/video): {n, min, max} of performance.now() − media timestamp at receipt
	unreadable: 0,
	tracks: [], // rendition changes: {at, track}
	probes: [], // PROBE changes: {at, bitrate, rtt}
	errors: [],
};
window.harness = harness;
window.addEventListener("error", (e) => harness.errors.push(String(e.message)));
window.addEventListener("unhandledrejection", (e) => harness.errors.push(String(e.reason)));

function readBarcode() {
	const w = canvas.width;
	const h = canvas.height;
	if (w < 64 || h < 8) return undefined;
	const y = Math.max(0, Math.floor((h * bandRows) / sourceHeight / 2));
	const row = ctx.getImageData(0, y, w, 1).data;
	let value = 0;
	for (let i = 0; i < 64; i++) {
		const x = Math.floor((Math.floor((i * w) / 64) + Math.floor(((i + 1) * w) / 64)) / 2);
		const r = row[x * 4], g = row[x * 4 + 1], b = row[x * 4 + 2];
		const luma = (r * 77 + g * 150 + b * 29) >> 8;
		value = value * 2 + (luma >= 128 ? 1 : 0);
	}
	return value;
}

// The player draws into this same context in its own animation-frame callback; the harness's callback
// may run before it in the same frame, so a read there sees the frame one animation frame late. Reading
// right after the player's drawImage gives the time the frame reached the canvas.
const drawImage = ctx.drawImage.bind(ctx);
let lastDrawn = 0;
ctx.drawImage = (image, ...rest) => {
	drawImage(image, ...rest);
	if (typeof VideoFrame === "undefined" || !(image instanceof VideoFrame)) return;
	const now = performance.timeOrigin + performance.now();
	const value = readBarcode();
	if (value !== undefined && value > lastDrawn && Math.abs(now - value) < 10_000) {
		lastDrawn = value;
		// how long after the player's own display time (timestamp + sync reference + sync buffer) it drew
		const due = image.timestamp / 1000 + (peek(el.sync?.out?.reference) ?? NaN) + (peek(el.sync?.out?.buffer) ?? NaN);
		const decoded = decodedAt.get(image.timestamp);
		harness.draws.push({ capture: value, latency: now - value, media: image.timestamp / 1000, late: performance.now() - due,
			decodedLate: decoded === undefined ? null : decoded - due });
	}
};

function hookSync() {
	const sync = el.sync;
	if (!sync || sync.__parleyHooked) return;
	sync.__parleyHooked = true;
	const received = sync.received.bind(sync);
	sync.received = (t, kind = "") => {
		const lag = performance.now() - t;
		const s = (harness.lag[kind] ??= { n: 0, min: Infinity, max: -Infinity });
		s.n++;
		s.min = Math.min(s.min, lag);
		s.max = Math.max(s.max, lag);
		return received(t, kind);
	};
}

function peek(signal) {
	try {
		return signal?.peek?.();
	} catch {
		return undefined;
	}
}

let last = 0;
let lastTrack;
let lastProbe = "";
function onFrame() {
	hookSync();
	const now = performance.timeOrigin + performance.now();
	const value = readBarcode();
	if (value !== undefined && value !== last) {
		if (Math.abs(now - value) < 10_000) {
			if (value > last) harness.paints.push({ capture: value, seen: now, latency: now - value });
			last = value;
		} else if (value !== 0) {
			harness.unreadable++;
		}
	}
	const track = peek(el.video?.source?.out?.track) ?? peek(el.video?.source?.track);
	if (track !== lastTrack) {
		lastTrack = track;
		harness.tracks.push({ at: now, track: track ?? null });
	}
	const probe = peek(peek(el.connection?.established)?.probe);
	const key = JSON.stringify(probe ?? {});
	if (key !== lastProbe) {
		lastProbe = key;
		harness.probes.push({ at: now, bitrate: probe?.estimatedRecvRate ?? null, rtt: probe?.rtt ?? null });
	}
	requestAnimationFrame(onFrame);
}
requestAnimationFrame(onFrame);

/** What the driver samples every poll. */
window.snapshot = () => {
	const established = peek(el.connection?.established);
	const audioContext = peek(el.audio?.out?.context);
	return {
		version: established?.version ?? null,
		decodedFrames: peek(el.video?.out?.stats)?.frameCount ?? 0,
		videoBytes: peek(el.video?.out?.stats)?.bytesReceived ?? 0,
		audioBytes: peek(el.audio?.out?.stats)?.bytesReceived ?? 0,
		audioTimestamp: peek(el.audio?.out?.timestamp) ?? null,
		audioContextTime: audioContext?.currentTime ?? null,
		audioContextState: audioContext?.state ?? null,
		jitter: peek(el.sync?.out?.jitter) ?? null,
		// the whole sync delay: max(video, audio rendition jitter) + the connection's jitter allowance
		buffer: peek(el.sync?.out?.buffer) ?? null,
		reference: peek(el.sync?.out?.reference) ?? null,
		lag: harness.lag,
		canvas: [canvas.width, canvas.height],
		paints: harness.paints.length,
	};
};
