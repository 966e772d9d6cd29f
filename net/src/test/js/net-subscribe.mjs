// Subscriber side of Parley's interop tests with the real @moq/net 0.3.4 client and its DEFAULT connect
// (no forced protocol list: it offers qmux-0x.moq-lite-05/04/03, ... and takes what the server selects).
// Usage: node net-subscribe.mjs <ws-url> <broadcast> <track> <groups> [timeoutMs]
// One JSON line per event; frames by size, sha256, moq-lite frame timestamp (µs) and hang legacy timestamp.
import { deadline, emit, hex, legacyTimestamp, sha256 } from "./common.mjs";

const [url, name, trackName, groupsArg, timeoutArg] = process.argv.slice(2);
deadline(Number(timeoutArg ?? 20000));
const groups = Number(groupsArg ?? 2);

const Moq = await import("@moq/net");
const conn = await Moq.Connection.connect(new URL(url));
emit({ event: "connected", version: conn.version });

const announced = conn.announced(Moq.Path.from(""));
for (;;) {
	const a = await announced.next();
	if (!a) {
		emit({ event: "error", message: "announcements ended" });
		process.exit(2);
	}
	emit({ event: "announced", path: a.path, active: a.active });
	if (a.path === name && a.active) break;
}

const broadcast = conn.consume(Moq.Path.from(name));
const catalog = broadcast.subscribe("catalog.json", { priority: 100 });
emit({ event: "catalog", json: await catalog.readJson() });

const track = broadcast.subscribe(trackName, { priority: 60 });
const info = await track.info();
emit({ event: "track-info", timescale: info.timescale ?? null });
for (let i = 0; i < groups; i++) {
	const group = await track.recvGroup();
	if (!group) {
		emit({ event: "track-ended" });
		break;
	}
	let index = 0;
	for (;;) {
		const frame = await group.readFrame();
		if (!frame) break;
		const payload = frame.payload;
		emit({
			event: "frame",
			group: group.sequence,
			index: index++,
			size: payload.length,
			moqTimestamp: frame.timestamp.asMicros(),
			timestamp: legacyTimestamp(payload).timestamp,
			sha256: sha256(payload),
			hex: payload.length <= 64 ? hex(payload) : undefined,
		});
	}
	emit({ event: "group-end", group: group.sequence, frames: index });
}
emit({ event: "done" });
conn.close();
setTimeout(() => process.exit(0), 200);
