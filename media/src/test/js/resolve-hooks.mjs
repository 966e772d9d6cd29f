// Node module-resolution hook: retries a relative import that Node's ESM resolver rejects
// (no extension, or a directory) as "<spec>.js" and then "<spec>/index.js", as bundlers do.
export async function resolve(specifier, context, next) {
	try {
		return await next(specifier, context);
	} catch (e) {
		const relative = specifier.startsWith("./") || specifier.startsWith("../");
		if (!relative || (e.code !== "ERR_UNSUPPORTED_DIR_IMPORT" && e.code !== "ERR_MODULE_NOT_FOUND")) throw e;
		for (const suffix of [".js", "/index.js"]) {
			try {
				return await next(specifier + suffix, context);
			} catch {
				// try the next form
			}
		}
		throw e;
	}
}
