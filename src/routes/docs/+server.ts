/**
 * @file GET /docs: Swagger UI over /openapi.json. Its script and stylesheet come from our own
 * origin (docs/assets), never a CDN: the server may run offline, and the cross-origin isolation
 * headers (COEP require-corp) would block third-party files anyway.
 */
import type { RequestHandler } from './$types';
import { SWAGGER_UI_VERSION } from '$lib/server/api/swagger-assets';

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
<script>
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
</script>
</body>
</html>
`;
}

export const GET: RequestHandler = () =>
	new Response(page(), { headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' } });
