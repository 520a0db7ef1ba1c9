/**
 * @file A request's path decoded, as both of the server's front doors read it: the page's files
 * (static-files.ts) and the API's checks (hooks.server.ts).
 */

/** The path decoded, or null where a "%" is not followed by two hexadecimal digits. */
export function decodedPath(pathname: string): string | null {
	try {
		return decodeURIComponent(pathname);
	} catch {
		return null;
	}
}
