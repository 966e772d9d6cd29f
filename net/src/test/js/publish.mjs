// Publisher side of Parley's interop tests, using the real @moq/lite 0.2.2 client.
// Usage: node publish.mjs <ws-url> <broadcast> <groups> <framesPerGroup> [timeoutMs] [protocols|default]
// Publishes <broadcast> with "catalog.json" and "video/hd". Each video group starts with a 40000-byte
// "keyframe" (larger than one QMux frame) followed by small deltas; every frame is a hang legacy frame
// (varint microsecond timestamp + payload) with deterministic content, reported as a JSON line with
// its sha256 so the Java subscriber can compare. Stays up until the connection closes.
import { connect, deadline, emit, sha256 } from "./common.mjs";

const [url, name, groupsArg, framesArg, timeoutArg, protocols] = process.argv.slice(2);
deadline(Number(timeoutArg ?? 30000));
const groups = Number(groupsArg ?? 3);
const framesPerGroup = Number(framesArg ?? 3);

export const CATALOG = {
	video: {
		renditions: {
			"video/hd": {
				codec: "avc1.64001f",
				container: { kind: "legacy" },
				codedWidth: 1280,
				codedHeight: 720,
				bitrate: 2000000,
				framerate: 30,
			},
		},
	},
};

function varint(v) {
	if (v < 0x40) return [v];
	if (v < 0x4000) return [0x40 | (v >> 8), v & 0xff];
	return [0x80 | ((v >>> 24) & 0x3f), (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

function frame(g, f) {
	const size = f === 0 ? 40000 : 100 + ((g * 131 + f * 17) % 900);
	const ts = Math.round((g * framesPerGroup + f) * 33333);
	const head = varint(ts);
	const out = new Uint8Array(head.length + size);
	out.set(head, 0);
	for (let i = 0; i < size; i++) out[head.length + i] = (i * 31 + g * 7 + f) & 0xff;
	return out;
}

const { Moq, conn } = await connect(url, protocols);
const broadcast = new Moq.Broadcast();
conn.publish(Moq.Path.from(name), broadcast);
emit({ event: "published", path: name });

void conn.closed.then(() => {
	emit({ event: "closed" });
	process.exit(0);
});

for (;;) {
	const req = await broadcast.requested();
	if (!req) break;
	emit({ event: "requested", track: req.track.name, priority: req.priority });
	if (req.track.name === "catalog.json") {
		req.track.writeJson(CATALOG);
	} else if (req.track.name === "video/hd") {
		void (async () => {
			for (let g = 0; g < groups; g++) {
				const group = req.track.appendGroup();
				for (let f = 0; f < framesPerGroup; f++) {
					const data = frame(g, f);
					group.writeFrame(data);
					emit({ event: "sent", group: group.sequence, index: f, size: data.length, sha256: sha256(data) });
				}
				group.close();
				await new Promise((r) => setTimeout(r, 30));
			}
			emit({ event: "track-done" });
		})();
	} else {
		req.track.close(new Error("not found"));
	}
}
