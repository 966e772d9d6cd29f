// The page `parley relay` serves (same origin as its WebSocket, so the moq URL is this origin plus a
// scope path). Routes, all served by the relay as this one page:
//   /                          links and forms for the others
//   /watch?name=NAME[&scope=/PATH][&jwt=TOKEN]  the hang web player on one broadcast
//   /ticket?t=parley:...[&scope=/PATH]          the relay pulls a Parley broadcast by its ticket (?pull=)
//   /room/<topic-hex>[?jwt=TOKEN]               a room in relay mode: a player for every announced
//        <participant>/camera in the scope /parley/rooms/<topic-hex>, and Publish (camera and
//        microphone with @moq/publish as <random-id>/camera)
import "@moq/watch/element";
import "@moq/publish/element";
import * as Moq from "@moq/net";

const main = document.getElementById("main");
const statusLine = document.getElementById("status");
const params = new URLSearchParams(location.search);

/** What the page is doing, for people with devtools and for the tests. */
const state = { route: location.pathname, scope: null, me: null, tiles: {}, status: "", errors: [] };
window.parley = state;
window.addEventListener("error", (e) => state.errors.push(String(e.message)));
window.addEventListener("unhandledrejection", (e) => state.errors.push(String(e.reason)));

function setStatus(text) {
	state.status = text;
	statusLine.textContent = text;
}

function el(tag, attrs = {}, ...children) {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs)) {
		if (k === "class") e.className = v;
		else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
		else e.setAttribute(k, v);
	}
	for (const c of children) e.append(c);
	return e;
}

/** The relay URL of a scope on this origin; ?jwt= carries over so the relay can resolve permissions. */
function relayUrl(scope, extra = {}) {
	const url = new URL(scope, location.origin);
	const jwt = params.get("jwt");
	if (jwt) url.searchParams.set("jwt", jwt);
	for (const [k, v] of Object.entries(extra)) url.searchParams.set(k, v);
	return url;
}

/** A scope as the relay validates it: starts with "/", no empty or dot segments, no percent-encoding. */
function validScope(scope) {
	if (!scope.startsWith("/") || scope.length > 1024 || scope.includes("%")) return false;
	if (scope === "/") return true;
	return scope.slice(1).split("/").every((s) => s !== "" && s !== "." && s !== "..");
}

function fail(message) {
	setStatus("");
	main.replaceChildren(el("p", { class: "error" }, message), el("p", {}, el("a", { href: "/" }, "Back")));
	state.errors.push(message);
}

/** A <moq-watch> player (hang web player) painting into its own canvas. */
function player(url, name, label) {
	const canvas = el("canvas");
	const watch = el("moq-watch", { url: url.toString(), name });
	watch.append(canvas);
	const caption = el("figcaption", {}, label);
	const tile = el("figure", { class: "tile" }, watch, caption);
	// The catalog may carry the publisher's display name (hang catalog `user.name`); <moq-watch> exposes the
	// latest catalog as its `catalog` property (the broadcast's `out.catalog` signal).
	const timer = setInterval(() => {
		const user = (watch.catalog ?? peek(watch.broadcast?.out?.catalog))?.user?.name;
		if (user) {
			caption.textContent = `${user} (${label})`;
			clearInterval(timer);
		}
	}, 1000);
	tile.stop = () => clearInterval(timer);
	return tile;
}

function peek(signal) {
	try {
		return signal?.peek?.();
	} catch {
		return undefined;
	}
}

function home() {
	const nameInput = el("input", { name: "name", placeholder: "broadcast name", required: "" });
	const scopeInput = el("input", { name: "scope", placeholder: "/ (scope)", value: "/" });
	const ticketInput = el("input", { name: "t", placeholder: "parley:…", required: "" });
	const roomInput = el("input", { name: "topic", placeholder: "room topic (64 hex digits)", required: "", pattern: "[0-9a-fA-F]{64}" });
	main.replaceChildren(
		el("h1", {}, "Watch or join through this relay"),
		el("form", { action: "/watch", class: "card" }, el("h2", {}, "A broadcast by name"), nameInput, scopeInput, el("button", {}, "Watch")),
		el("form", { action: "/ticket", class: "card" }, el("h2", {}, "A Parley ticket"), ticketInput, el("button", {}, "Watch")),
		el("form", {
			class: "card",
			onsubmit: (e) => {
				e.preventDefault();
				location.href = `/room/${roomInput.value.toLowerCase()}`;
			},
		}, el("h2", {}, "A room"), roomInput, el("button", {}, "Open")),
	);
}

function watchOne(scope, name, url) {
	if (!validScope(scope)) return fail(`bad scope ${scope}`);
	if (!name) return fail("no broadcast name given");
	state.scope = scope;
	const tile = player(url, name, name);
	state.tiles[name] = tile;
	main.replaceChildren(el("div", { class: "grid single" }, tile));
	setStatus(`watching ${name}`);
}

const PARTICIPANT = /^([a-z0-9-]{8,64})\/camera$/;

function randomId() {
	const bytes = crypto.getRandomValues(new Uint8Array(12));
	return "web-" + Array.from(bytes, (b) => (b % 36).toString(36)).join("");
}

/** The name this browser used last (kept in localStorage; nothing else is stored). */
function savedName() {
	try {
		return localStorage.getItem("parley.name") ?? "";
	} catch {
		return "";
	}
}

function saveName(name) {
	try {
		localStorage.setItem("parley.name", name);
	} catch {
		// storage disabled: the name lasts for this page only
	}
}

/**
 * Puts the name in the published catalog (hang `user.name`), which Parley shows on this participant's
 * tile; the <moq-publish> element creates its broadcast on connection, so this waits for it.
 */
function nameCatalog(pub, name) {
	const apply = () => {
		const catalog = pub.broadcast?.catalog;
		if (!catalog?.mutate) return false;
		catalog.mutate((c) => {
			if (name) c.user = { ...(c.user ?? {}), name };
			else delete c.user;
		});
		return true;
	};
	if (!apply()) {
		const timer = setInterval(() => (apply() || !pub.isConnected) && clearInterval(timer), 200);
	}
}

async function room(topic) {
	if (!/^[0-9a-f]{64}$/.test(topic)) return fail("a room link is /room/ followed by the room's topic id: 64 lowercase hex digits");
	const scope = `/parley/rooms/${topic}`;
	state.scope = scope;
	const url = relayUrl(scope);
	const grid = el("div", { class: "grid" });
	const publishButton = el("button", { id: "publish" }, "Publish camera and microphone");
	const nameInput = el("input", { id: "display-name", placeholder: "your name", maxlength: "64", value: savedName() });
	const me = randomId();
	state.me = me;
	let publisher;
	let selfCaption;
	const shownName = () => nameInput.value.trim();
	nameInput.addEventListener("change", () => {
		saveName(shownName());
		if (publisher) {
			nameCatalog(state.publisher, shownName());
			selfCaption.textContent = `${shownName() || "you"} (${me})`;
		}
	});
	// While publishing: mute the microphone (@moq/publish's `muted`: the audio leaves the catalog, which
	// Parley shows as muted). No camera-off toggle: 0.2.17's `invisible` stops the encoder but keeps the
	// rendition in the catalog, so watchers would wait on a silent track.
	const muteButton = el("button", { id: "mute", hidden: "" }, "Mute");
	const showToggles = () => {
		const pub = state.publisher;
		muteButton.hidden = !publisher;
		muteButton.textContent = pub?.muted ? "Unmute" : "Mute";
		state.muted = publisher ? pub.muted === true : false;
	};
	muteButton.addEventListener("click", () => {
		if (publisher) state.publisher.muted = !state.publisher.muted;
		showToggles();
	});
	publishButton.addEventListener("click", () => {
		if (publisher) {
			publisher.remove();
			publisher = undefined;
			state.publishing = false;
			publishButton.textContent = "Publish camera and microphone";
			showToggles();
			return;
		}
		const preview = el("video", { muted: "", autoplay: "", playsinline: "" });
		preview.muted = true;
		const pub = el("moq-publish", { url: url.toString(), name: `${me}/camera`, source: "camera" }, preview);
		nameCatalog(pub, shownName());
		saveName(shownName());
		selfCaption = el("figcaption", {}, `${shownName() || "you"} (${me})`);
		publisher = el("figure", { class: "tile self" }, pub, selfCaption);
		grid.prepend(publisher);
		state.publishing = true;
		state.publisher = pub;
		publishButton.textContent = "Stop publishing";
		showToggles();
	});
	main.replaceChildren(el("div", { class: "bar" }, el("span", {}, `Room ${topic.slice(0, 12)}…`), nameInput, publishButton,
		muteButton), grid);

	// Discovery: the announces of the scope; one player per participant's camera.
	for (let attempt = 0; ; attempt++) {
		let connection;
		try {
			setStatus(attempt === 0 ? "connecting" : "reconnecting");
			connection = await Moq.Connection.connect(url, { signal: AbortSignal.timeout(15000) });
			setStatus(`in the room (${connection.version})`);
			const announced = connection.announced();
			for (;;) {
				const event = await announced.next();
				if (!event) break;
				const match = PARTICIPANT.exec(event.path);
				if (!match || match[1] === me) continue;
				const existing = state.tiles[match[1]];
				if (event.active && !existing) {
					const tile = player(url, event.path, match[1]);
					state.tiles[match[1]] = tile;
					grid.append(tile);
				} else if (!event.active && existing) {
					existing.stop();
					existing.remove();
					delete state.tiles[match[1]];
				}
			}
		} catch (e) {
			state.errors.push(`room connection: ${e?.message ?? e}`);
		} finally {
			connection?.close();
		}
		for (const [id, tile] of Object.entries(state.tiles)) {
			tile.stop();
			tile.remove();
			delete state.tiles[id];
		}
		setStatus("disconnected; retrying");
		await new Promise((r) => setTimeout(r, Math.min(10000, 1000 * 2 ** Math.min(attempt, 4))));
	}
}

const path = location.pathname;
if (path === "/" || path === "/index.html") {
	home();
} else if (path === "/watch") {
	const scope = params.get("scope") || "/";
	watchOne(scope, params.get("name") ?? "", relayUrl(scope));
} else if (path === "/ticket") {
	const scope = params.get("scope") || "/";
	const ticket = (params.get("t") ?? "").trim();
	if (!ticket.startsWith("parley:")) fail("a ticket link is /ticket?t=parley:…");
	else watchOne(scope, ticket, relayUrl(scope, { pull: ticket }));
} else if (path.startsWith("/room/")) {
	room(path.slice("/room/".length).replace(/\/$/, ""));
} else {
	fail(`nothing at ${path}`);
}
