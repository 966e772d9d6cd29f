// A plain moq-lite subscriber on the newest @moq/net (0.3.4, installed as "moq-net-0.3.4"): its default
// connect() offers qmux-0x.moq-lite-05/04/03 and takes what the server selects. Reads the broadcast's
// catalog.json and a few groups of one track, decoding frames with @moq/hang's Legacy container.
//
// Usage: node net034.mjs <url> <broadcast> <track> <groups> [timeoutMs]
import "./setup.mjs";
import { annexBNals, nalType } from "./bitstream.mjs";

const Moq = await import("moq-net-0.3.4");
const { Catalog, Container } = await import("@moq/hang");

const [url, name, trackName, groupsArg, timeoutArg] = process.argv.slice(2);
const timeout = Number(timeoutArg ?? 30000);
const emit = (o) => console.log(JSON.stringify(o));
setTimeout(() => {
	emit({ event: "timeout", ms: timeout });
	process.exit(3);
}, timeout).unref();

const conn = await Moq.Connection.connect(new URL(url));
emit({ event: "connected", version: conn.version });

const announced = conn.announced(Moq.Path.from(""));
for (;;) {
	const a = await announced.next();
	if (!a) throw new Error("announcements ended");
	emit({ event: "announced", path: String(a.path), active: a.active });
	if (String(a.path) === name && a.active) break;
}

const broadcast = conn.consume(Moq.Path.from(name));
const catalogTrack = broadcast.track(Catalog.TRACK).subscribe({ priority: Catalog.PRIORITY.catalog });
const catalogGroup = await catalogTrack.nextGroup();
const catalogFrame = await catalogGroup.readFrame();
const json = JSON.parse(new TextDecoder().decode(catalogFrame.payload));
const parsed = Catalog.RootSchema.safeParse(json);
emit({ event: "catalog", success: parsed.success, json });

const legacy = new Container.Legacy.Format();
const track = broadcast.track(trackName).subscribe({ priority: Catalog.PRIORITY.video });
for (let g = 0; g < Number(groupsArg ?? 2); g++) {
	const group = await track.nextGroup();
	if (!group) {
		emit({ event: "track-ended" });
		break;
	}
	let index = 0;
	for (;;) {
		const frame = await group.readFrame();
		if (!frame) break;
		const [sample] = legacy.decode(frame.payload);
		emit({ event: "frame", group: group.sequence, index: index++, timestamp: sample.timestamp, size: sample.payload.byteLength, nals: annexBNals(sample.payload).map(nalType) });
	}
	emit({ event: "group-end", group: group.sequence, frames: index });
}
emit({ event: "done" });
conn.close();
setTimeout(() => process.exit(0), 200);
