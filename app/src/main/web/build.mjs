// Builds the page `parley relay` serves: installs the pinned npm packages (package-lock.json) with
// `npm ci` into WORK when the lock changed, then bundles page.js with esbuild into OUT (index.html,
// assets/ and assets.txt, the list of assets). Run by the app module's Maven build (generate-resources):
//   node build.mjs WORK OUT
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const here = path.dirname(new URL(import.meta.url).pathname.replace(/^\/([A-Za-z]:)/, "$1"));
const [work, out] = process.argv.slice(2).map((p) => path.resolve(p));
if (!work || !out) {
	console.error("usage: node build.mjs WORK OUT");
	process.exit(2);
}

fs.mkdirSync(work, { recursive: true });
const lock = path.join(here, "package-lock.json");
const installedLock = path.join(work, "package-lock.json");
const fresh = !fs.existsSync(path.join(work, "node_modules")) || !fs.existsSync(installedLock)
	|| !fs.readFileSync(lock).equals(fs.readFileSync(installedLock));
if (fresh) {
	fs.copyFileSync(path.join(here, "package.json"), path.join(work, "package.json"));
	fs.copyFileSync(lock, installedLock);
	console.log(`relay web page: npm ci in ${work}`);
	const npm = spawnSync("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
		{ cwd: work, stdio: "inherit", shell: process.platform === "win32" });
	if (npm.status !== 0) {
		fs.rmSync(installedLock, { force: true }); // so the next build installs again
		console.error(`relay web page: npm ci failed (${npm.error?.message ?? "exit " + npm.status})`);
		process.exit(1);
	}
}

const esbuild = await import(path.join(work, "node_modules", "esbuild", "lib", "main.js"));
fs.rmSync(out, { recursive: true, force: true });
const built = await esbuild.build({
	absWorkingDir: here,
	entryPoints: ["page.js", "page.css"],
	nodePaths: [path.join(work, "node_modules")],
	bundle: true,
	minify: true,
	format: "esm",
	target: ["chrome120", "firefox128", "safari17"],
	loader: { ".wasm": "file" },
	outdir: path.join(out, "assets"),
	entryNames: "[name]-[hash]",
	assetNames: "[name]-[hash]",
	metafile: true,
	logLevel: "warning",
});
const outputs = Object.keys(built.metafile.outputs).map((f) => path.relative(path.join(out, "assets"), path.resolve(here, f)));
const script = outputs.find((f) => /^page-.*\.js$/.test(f));
const style = outputs.find((f) => /^page-.*\.css$/.test(f));
const html = fs.readFileSync(path.join(here, "index.html"), "utf8")
	.replace("%SCRIPT%", `/assets/${script}`)
	.replace("%STYLE%", `/assets/${style}`);
fs.writeFileSync(path.join(out, "index.html"), html);
fs.writeFileSync(path.join(out, "assets.txt"), outputs.join("\n") + "\n"); // the relay reads the list (no directory listing on a classpath)
const bytes = outputs.reduce((n, f) => n + fs.statSync(path.join(out, "assets", f)).size, 0);
console.log(`relay web page: ${outputs.length} files, ${(bytes / 1024).toFixed(0)} KiB in ${out}`);
