// Independent bitstream inspection for the interop checks: Annex-B NAL units, the H.264 SPS fields a
// WebCodecs codec string and coded size are derived from, and the Opus TOC byte (RFC 6716 §3.1).

/** NAL units of an Annex-B access unit (3- or 4-byte start codes); empty if it does not start with one. */
export function annexBNals(bytes) {
	const starts = [];
	for (let i = 0; i + 2 < bytes.length; i++) {
		if (bytes[i] === 0 && bytes[i + 1] === 0 && bytes[i + 2] === 1) {
			starts.push(i + 3);
			i += 2;
		}
	}
	const first = bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0 && (bytes[2] === 1 || (bytes[2] === 0 && bytes[3] === 1));
	if (!first) return [];
	const nals = [];
	for (let k = 0; k < starts.length; k++) {
		let end = k + 1 < starts.length ? starts[k + 1] - 3 : bytes.length;
		while (end > starts[k] && bytes[end - 1] === 0) end--; // a 4-byte start code's leading zero
		nals.push(bytes.subarray(starts[k], end));
	}
	return nals;
}

export const nalType = (nal) => nal[0] & 0x1f;

/** Removes emulation-prevention bytes (00 00 03 → 00 00). */
function rbsp(nal) {
	const out = [];
	for (let i = 0; i < nal.length; i++) {
		if (i >= 2 && nal[i] === 3 && nal[i - 1] === 0 && nal[i - 2] === 0) continue;
		out.push(nal[i]);
	}
	return Uint8Array.from(out);
}

class Bits {
	#b;
	#pos = 0;
	constructor(bytes) {
		this.#b = bytes;
	}
	u(n) {
		let v = 0;
		for (let i = 0; i < n; i++) {
			const byte = this.#b[this.#pos >> 3];
			if (byte === undefined) throw new Error("SPS truncated");
			v = v * 2 + ((byte >> (7 - (this.#pos & 7))) & 1);
			this.#pos++;
		}
		return v;
	}
	ue() {
		let zeros = 0;
		while (this.u(1) === 0) if (++zeros > 31) throw new Error("bad exp-Golomb code");
		return 2 ** zeros - 1 + this.u(zeros);
	}
	se() {
		const k = this.ue();
		return k % 2 === 1 ? (k + 1) / 2 : -k / 2;
	}
}

const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/** The fields of an SPS NAL unit (type 7) that a codec string and coded size are made of. */
export function parseSps(nal) {
	const b = new Bits(rbsp(nal.subarray(1)));
	const profile = b.u(8);
	const constraints = b.u(8);
	const level = b.u(8);
	b.ue(); // seq_parameter_set_id
	let chroma = 1;
	let separateColourPlane = 0;
	if (HIGH_PROFILES.has(profile)) {
		chroma = b.ue();
		if (chroma === 3) separateColourPlane = b.u(1);
		b.ue(); // bit_depth_luma_minus8
		b.ue(); // bit_depth_chroma_minus8
		b.u(1); // qpprime_y_zero_transform_bypass_flag
		if (b.u(1)) {
			for (let i = 0; i < (chroma === 3 ? 12 : 8); i++) {
				if (!b.u(1)) continue;
				let last = 8;
				let next = 8;
				for (let j = 0; j < (i < 6 ? 16 : 64) && next !== 0; j++) {
					next = (last + b.se() + 256) % 256;
					last = next === 0 ? last : next;
				}
			}
		}
	}
	b.ue(); // log2_max_frame_num_minus4
	const pocType = b.ue();
	if (pocType === 0) {
		b.ue();
	} else if (pocType === 1) {
		b.u(1);
		b.se();
		b.se();
		const n = b.ue();
		for (let i = 0; i < n; i++) b.se();
	}
	b.ue(); // max_num_ref_frames
	b.u(1); // gaps_in_frame_num_value_allowed_flag
	const widthMbs = b.ue() + 1;
	const heightMapUnits = b.ue() + 1;
	const frameMbsOnly = b.u(1);
	if (!frameMbsOnly) b.u(1);
	b.u(1); // direct_8x8_inference_flag
	let crop = [0, 0, 0, 0];
	if (b.u(1)) crop = [b.ue(), b.ue(), b.ue(), b.ue()];
	const chromaArray = separateColourPlane ? 0 : chroma;
	const cropX = chromaArray === 0 ? 1 : chromaArray === 3 ? 1 : 2;
	const cropY = (chromaArray === 1 ? 2 : 1) * (2 - frameMbsOnly);
	const hex = (v) => v.toString(16).padStart(2, "0");
	return {
		profile,
		constraints,
		level,
		codecSuffix: hex(profile) + hex(constraints) + hex(level),
		width: widthMbs * 16 - cropX * (crop[0] + crop[1]),
		height: heightMapUnits * 16 * (2 - frameMbsOnly) - cropY * (crop[2] + crop[3]),
	};
}

/** The Opus TOC byte: configuration (mode, bandwidth, frame size), stereo flag and frame-count code. */
export function opusToc(packet) {
	const toc = packet[0];
	const config = toc >> 3;
	const sizesMs = config < 12 ? [10, 20, 40, 60] : config < 16 ? [10, 20] : [2.5, 5, 10, 20];
	const frameMs = config < 12 ? sizesMs[config & 3] : config < 16 ? sizesMs[config & 1] : sizesMs[config & 3];
	const code = toc & 3;
	let frames = code === 0 ? 1 : code === 1 || code === 2 ? 2 : packet.length > 1 ? packet[1] & 0x3f : 0;
	return {
		config,
		mode: config < 12 ? "silk" : config < 16 ? "hybrid" : "celt",
		stereo: (toc & 4) !== 0,
		code,
		durationMs: frameMs * frames,
	};
}
