/**
 * @file GET /docs: Swagger UI over /openapi.json. Its script and stylesheet come from our own
 * origin (docs/assets), never a CDN: the server may run offline, and the cross-origin isolation
 * headers (COEP require-corp) would block third-party files anyway.
 */
import { createHash } from 'node:crypto';
import type { RequestHandler } from './$types';
import { SWAGGER_UI_VERSION } from '$lib/server/api/swagger-assets';

const START_SCRIPT = `
window.ui = SwaggerUIBundle({
	url: 'openapi.json',
	dom_id: '#swagger-ui',
	layout: 'BaseLayout',
	deepLinking: true,
	showExtensions: false,
	defaultModelsExpandDepth: -1,
	validatorUrl: null,
	presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset]
});
`;

/** Our own files, the start-up script by its hash; Swagger UI styles elements and draws data: icons. */
const CSP = [
	"default-src 'self'",
	`script-src 'self' 'sha256-${createHash('sha256').update(START_SCRIPT).digest('base64')}'`,
	"style-src 'self' 'unsafe-inline'",
	"img-src 'self' data:",
	"object-src 'none'",
	"base-uri 'self'",
	"frame-ancestors 'none'"
].join('; ');

/**
 * Relative URLs, so the page also works behind a reverse proxy that mounts the app under a
 * prefix. The version in the asset URLs lets them be cached for good.
 */
function page(): string {
	const asset = (file: string) => `docs/assets/${file}?v=${SWAGGER_UI_VERSION}`;
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Koe API</title>
<link rel="icon" type="image/png" href="${asset('favicon-32x32.png')}">
<link rel="stylesheet" href="${asset('swagger-ui.css')}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${asset('swagger-ui-bundle.js')}"></script>
<script>${START_SCRIPT}</script>
</body>
</html>
`;
}

export const GET: RequestHandler = () =>
	new Response(page(), {
		headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache', 'Content-Security-Policy': CSP }
	});
