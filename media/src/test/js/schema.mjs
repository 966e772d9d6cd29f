// Runs catalogs through the hang zod schemas: @moq/hang 0.3.5's RootSchema (what @moq/watch 0.4.6
// applies) and 0.2.16's (the previous player generation).
// Usage: node schema.mjs <file with a JSON array of catalog texts>
// Output: one {"event":"schema", index, v035, v0216, problems} line per catalog, then {"event":"done"}.
import "./setup.mjs";
import { readFileSync } from "node:fs";

const { Catalog } = await import("@moq/hang");
const Hang02 = await import("moq-hang-0.2.16");

const texts = JSON.parse(readFileSync(process.argv[2], "utf8"));
texts.forEach((text, index) => {
	let json;
	try {
		json = JSON.parse(text);
	} catch (e) {
		console.log(JSON.stringify({ event: "schema", index, v035: false, v0216: false, problems: String(e) }));
		return;
	}
	const now = Catalog.RootSchema.safeParse(json);
	const old = Hang02.Catalog.RootSchema.safeParse(json);
	const problems = now.success ? "" : now.error.message;
	console.log(JSON.stringify({ event: "schema", index, v035: now.success, v0216: old.success, problems }));
});
console.log(JSON.stringify({ event: "done" }));
