/**
 * @file JSON text as Python's `json.dump` writes it with default settings, which is what the
 * Whisper webservice returns and what its clients compare against: ", " and ": " separators,
 * non-ASCII escaped as \uXXXX, and floats in Python's repr (`0.0`, `1e-05`).
 */

/** Marks a number that Python holds as a float, so that 3 prints as `3.0`. */
export class PyFloat {
	constructor(readonly value: number) {}

	/** In plain JSON (JSON.stringify, Response.json) it is just the number. */
	toJSON(): number {
		return this.value;
	}
}

export type PyJson = null | boolean | string | number | PyFloat | PyJson[] | { [key: string]: PyJson };

/** Python's float repr: shortest round-trip digits, exponent below 1e-4 and from 1e16. */
export function pythonFloatRepr(value: number): string {
	if (Number.isNaN(value)) return 'NaN';
	if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
	if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
	const magnitude = Math.abs(value);
	if (magnitude >= 1e16 || magnitude < 1e-4) {
		// JS gives "1e-5" / "1.5e+20"; Python gives "1e-05" / "1.5e+20": at least two exponent digits.
		const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
		const sign = exponent.startsWith('-') ? '-' : '+';
		const digits = exponent.replace(/^[+-]/, '').padStart(2, '0');
		return `${mantissa}e${sign}${digits}`;
	}
	const text = String(value);
	return /[.e]/.test(text) ? text : `${text}.0`;
}

function escapeString(text: string): string {
	let out = '"';
	for (const char of text) {
		const code = char.codePointAt(0)!;
		if (char === '"') out += '\\"';
		else if (char === '\\') out += '\\\\';
		else if (char === '\n') out += '\\n';
		else if (char === '\r') out += '\\r';
		else if (char === '\t') out += '\\t';
		else if (char === '\b') out += '\\b';
		else if (char === '\f') out += '\\f';
		else if (code < 0x20 || code > 0x7e) {
			// Characters beyond the BMP become a surrogate pair, as in Python.
			for (let i = 0; i < char.length; i++) out += `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`;
		} else out += char;
	}
	return `${out}"`;
}

export function dumpPythonJson(value: PyJson): string {
	if (value === null) return 'null';
	if (value === true) return 'true';
	if (value === false) return 'false';
	if (value instanceof PyFloat) return pythonFloatRepr(value.value);
	if (typeof value === 'number') {
		if (!Number.isInteger(value)) throw new TypeError(`${value} is not an integer; wrap floats in PyFloat`);
		return String(value);
	}
	if (typeof value === 'string') return escapeString(value);
	if (Array.isArray(value)) return `[${value.map(dumpPythonJson).join(', ')}]`;
	return `{${Object.entries(value)
		.map(([key, item]) => `${escapeString(key)}: ${dumpPythonJson(item)}`)
		.join(', ')}}`;
}
