// The page @moq/publish 0.2.17 runs in for BrowserPublishInteropTest: its <moq-publish> element with
// default connection settings and the camera source (Chromium's fake camera and microphone), bundled
// by esbuild. The Node driver (browser-publish.mjs) reads window.snapshot().
import "@moq/publish/element";

const params = new URLSearchParams(location.search);
const el = document.createElement("moq-publish");
const preview = document.createElement("video");
preview.muted = true;
preview.autoplay = true;
el.appendChild(preview);
el.setAttribute("url", params.get("url"));
el.setAttribute("name", params.get("name"));
el.setAttribute("source", "camera");
document.body.appendChild(el);

const errors = [];
window.addEventListener("error", (e) => errors.push(String(e.message)));
window.addEventListener("unhandledrejection", (e) => errors.push(String(e.reason)));

function peek(signal) {
	try {
		return signal?.peek?.();
	} catch {
		return undefined;
	}
}

window.snapshot = () => {
	const established = peek(el.connection?.established);
	return {
		crossOriginIsolated: self.crossOriginIsolated === true,
		webcodecs: typeof VideoEncoder !== "undefined" && typeof AudioEncoder !== "undefined",
		version: established?.version ?? null,
		videoSource: peek(el.broadcast?.video?.source) !== undefined,
		audioSource: peek(el.broadcast?.audio?.source) !== undefined,
		previewPlaying: preview.readyState >= 2,
		errors,
	};
};
