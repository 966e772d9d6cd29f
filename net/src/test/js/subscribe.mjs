// Subscriber side of Parley's interop tests, using the real @moq/lite 0.2.2 client.
// Usage: node subscribe.mjs <ws-url> <broadcast> <track> <groups> [timeoutMs] [protocols|default]
// Waits for the ANNOUNCE of <broadcast>, reads catalog.json, subscribes <track> and reports <groups>
// groups, one JSON line per event; frames are reported by size, sha256, legacy timestamp and (small) hex.
import { connect, deadline, emit, hex, legacyTimestamp, sha256 } from "./common.mjs";

const [url, name, trackName, groupsArg, timeoutArg, protocols] = process.argv.slice(2);
deadline(Number(timeoutArg ?? 20000));
const groups = Number(groupsArg ?? 2);

const { Moq, conn } = await connect(url, protocols);
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
const catalog = broadcast.subscribe("catalog.json", 100);
emit({ event: "catalog", json: await catalog.readJson() });

const track = broadcast.subscribe(trackName, 60);
for (let i = 0; i < groups; i++) {
	const group = await track.nextGroup();
	if (!group) {
		emit({ event: "track-ended" });
		break;
	}
	let index = 0;
	for (;;) {
		const frame = await group.readFrame();
		if (!frame) break;
		const { timestamp } = legacyTimestamp(frame);
		emit({
			event: "frame",
			group: group.sequence,
			index: index++,
			size: frame.length,
			timestamp,
			sha256: sha256(frame),
			hex: frame.length <= 64 ? hex(frame) : undefined,
		});
	}
	emit({ event: "group-end", group: group.sequence, frames: index });
}
emit({ event: "done" });
conn.close();
setTimeout(() => process.exit(0), 200);
