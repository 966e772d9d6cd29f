// Watches a Parley broadcast the way the hang web player (@moq/watch 0.4.6 <moq-watch>) does, in Node,
// with the player's own packages: @moq/net 0.2.8 connects (its default connect, QMux over WebSocket),
// @moq/watch's Broadcast loads catalog.json through @moq/json with @moq/hang's zod RootSchema, its
// Video.Source and Audio.Source pick the renditions, and @moq/hang's Container.Consumer with the
// Legacy format reads the frames, exactly as its video and audio decoders feed WebCodecs.
// Node has no WebCodecs, so the "supported" probe and the decoder are replaced by bitstream checks.
//
// Usage: node watch.mjs <url> <broadcast> <videoGroups> <audioFrames> [timeoutMs]
// Output: one JSON object per line ({"event": ...}); the libraries' own logging is plain text.
import "./setup.mjs";
import { annexBNals, nalType, opusToc, parseSps } from "./bitstream.mjs";

// Imported after setup.mjs has installed the polyfills and the module-resolution hook.
const Net = await import("@moq/net");
const { Catalog, Container } = await import("@moq/hang");
const { Hex, Libav } = await import("@moq/hang/util");
const Watch = await import("@moq/watch");
// The previous player generation's hang package (0.2.x), for its catalog schema (its legacy container
// code is the same as 0.3.5's).
const Hang02 = await import("moq-hang-0.2.16");

const [url, name, groupsArg, audioArg, timeoutArg] = process.argv.slice(2);
const timeout = Number(timeoutArg ?? 30000);
const videoGroups = Number(groupsArg ?? 3);
const audioFrames = Number(audioArg ?? 25);
const emit = (o) => console.log(JSON.stringify(o));
setTimeout(() => {
	emit({ event: "timeout", ms: timeout });
	process.exit(3);
}, timeout).unref();

/** Resolves with the first value of a signal that satisfies `pred`. */
function until(signal, what, pred = (v) => v !== undefined, ms = timeout) {
	const now = signal.peek();
	if (pred(now)) return Promise.resolve(now);
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			dispose();
			reject(new Error(`timed out waiting for ${what}`));
		}, ms);
		const dispose = signal.subscribe((v) => {
			if (!pred(v)) return;
			clearTimeout(timer);
			dispose();
			resolve(v);
		});
	});
}

// The player's "supported" probes are VideoDecoder/AudioDecoder.isConfigSupported; Node has neither,
// so accept what those probes could accept: a known container and a well-formed codec string.
const videoSupported = async (config) => Catalog.containerSupported(config.container) && /^avc[13]\.[0-9a-fA-F]{6}$/.test(config.codec);
const audioSupported = async (config) => Catalog.containerSupported(config.container) && config.codec === "opus";

const connection = new Net.Connection.Reload({ url: new URL(url), enabled: true });
const established = await until(connection.established, "the connection");
emit({ event: "connected", version: established.version, protocol: established.transport ?? null });

const broadcast = new Watch.Broadcast({ connection: connection.established, enabled: true, name: Net.Path.from(name) });
const active = await until(broadcast.out.active, "the broadcast announce");
emit({ event: "announced", path: String(active.path ?? name) });

// The raw catalog frame as well, so a schema failure is reported with zod's own message.
const rawTrack = active.track(Catalog.TRACK).subscribe({ priority: Catalog.PRIORITY.catalog });
const rawGroup = await rawTrack.nextGroup();
const rawFrame = await rawGroup.readFrame();
const rawJson = JSON.parse(new TextDecoder().decode(rawFrame.payload ?? rawFrame));
const parsed = Catalog.RootSchema.safeParse(rawJson);
emit({ event: "catalog-schema", success: parsed.success, problems: parsed.success ? "" : parsed.error.message, raw: rawJson });
const parsed02 = Hang02.Catalog.RootSchema.safeParse(rawJson);
emit({ event: "catalog-schema-0.2", success: parsed02.success, problems: parsed02.success ? "" : parsed02.error.message });
rawTrack.close();

const catalog = await until(broadcast.out.catalog, "the catalog through @moq/watch");
emit({ event: "catalog", json: catalog });

// ---- video: the rendition the player picks, then its decoder's read loop ----
const videoSource = new Watch.Video.Source({ broadcast, supported: videoSupported });
const videoTrack = await until(videoSource.out.track, "the video rendition choice");
const videoConfig = videoSource.out.config.peek();
emit({ event: "video-selected", track: videoTrack, config: videoConfig, jitter: videoSource.out.jitter.peek() });

// What Video.Decoder passes to VideoDecoder.configure (coded size is dropped; description absent → Annex-B).
const { codedWidth: _w, codedHeight: _h, ...decoderBase } = videoConfig;
const decoderConfig = {
	...decoderBase,
	description: videoConfig.description ? Hex.toBytes(videoConfig.description) : undefined,
	optimizeForLatency: videoConfig.optimizeForLatency ?? true,
	flip: false,
};
emit({ event: "video-decoder-config", config: { ...decoderConfig, description: videoConfig.description } });

function frameFacts(frame) {
	const nals = annexBNals(frame.payload);
	const types = nals.map(nalType);
	const sps = nals.filter((n) => nalType(n) === 7).map(parseSps);
	return { types, sps: sps[0] };
}

const videoSub = active.track(videoTrack).subscribe({ priority: Catalog.PRIORITY.video });
const videoConsumer = new Container.Consumer(videoSub, { format: new Container.Legacy.Format(), latency: Net.Time.Milli(2000) });
let groupsDone = 0;
let firstGroup;
while (groupsDone < videoGroups) {
	const next = await videoConsumer.next();
	if (!next) {
		emit({ event: "video-ended" });
		break;
	}
	firstGroup ??= next.group;
	if (!next.frame) {
		// A group ended. The first one may have been joined mid-way; count complete groups after it.
		if (next.group !== firstGroup) groupsDone++;
		emit({ event: "video-group-end", group: next.group });
		continue;
	}
	const { frame } = next;
	const facts = frameFacts(frame);
	emit({
		event: "video-frame",
		group: next.group,
		keyframe: frame.keyframe,
		timestamp: frame.timestamp,
		size: frame.payload.byteLength,
		nals: facts.types,
		sps: facts.sps,
		continuous: next.continuous,
	});
}
videoConsumer.close();

// ---- audio: the rendition the player picks (first legacy one), then its decoder's read loop ----
const audioSource = new Watch.Audio.Source({ broadcast, supported: audioSupported });
const audioTrack = await until(audioSource.out.track, "the audio rendition choice");
const audioConfig = audioSource.out.config.peek();
emit({ event: "audio-selected", track: audioTrack, config: audioConfig, jitter: audioSource.out.jitter.peek() });
// Node has no AudioDecoder; the player loads this same libav.js Opus polyfill where a browser lacks one.
const decoded = [];
let decodeError;
if (!(await Libav.polyfill())) throw new Error("the Opus polyfill did not load");
const audioDecoder = new AudioDecoder({ output: (data) => decoded.push(data), error: (e) => (decodeError = String(e)) });
// What Audio.Decoder passes to AudioDecoder.configure.
audioDecoder.configure({ ...audioConfig, description: undefined });
const audioSub = active.track(audioTrack).subscribe({ priority: Catalog.PRIORITY.audio });
const audioConsumer = new Container.Consumer(audioSub, { format: new Container.Legacy.Format(), latency: Net.Time.Milli(2000) });
for (let n = 0; n < audioFrames; ) {
	const next = await audioConsumer.next();
	if (!next) {
		emit({ event: "audio-ended" });
		break;
	}
	if (!next.frame) continue;
	const { frame } = next;
	emit({ event: "audio-frame", group: next.group, keyframe: frame.keyframe, timestamp: frame.timestamp, size: frame.payload.byteLength, toc: opusToc(frame.payload) });
	audioDecoder.decode(new EncodedAudioChunk({ type: frame.keyframe ? "key" : "delta", data: frame.payload, timestamp: frame.timestamp }));
	n++;
}
audioConsumer.close();
await audioDecoder.flush();
// The decoded PCM of channel 0 (the player drops the first three outputs as decoder warm-up).
const pcm = [];
for (const data of decoded.slice(3)) {
	const plane = new Float32Array(data.numberOfFrames);
	data.copyTo(plane, { planeIndex: 0, format: "f32-planar" });
	pcm.push(...plane);
}
let crossings = 0;
for (let i = 1; i < pcm.length; i++) if ((pcm[i - 1] < 0) !== (pcm[i] < 0)) crossings++;
const rate = decoded[0]?.sampleRate ?? 0;
emit({
	event: "audio-decoded",
	outputs: decoded.length,
	error: decodeError,
	sampleRate: rate,
	channels: decoded[0]?.numberOfChannels ?? 0,
	framesPerOutput: decoded[0]?.numberOfFrames ?? 0,
	timestamps: decoded.map((d) => d.timestamp),
	peak: pcm.reduce((m, v) => Math.max(m, Math.abs(v)), 0),
	frequency: pcm.length > 0 && rate > 0 ? (crossings / 2) * (rate / pcm.length) : 0,
});
for (const d of decoded) d.close();
audioDecoder.close();

emit({ event: "done" });
videoSource.close();
audioSource.close();
broadcast.close();
connection.close();
setTimeout(() => process.exit(0), 200);
