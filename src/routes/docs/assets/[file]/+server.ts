/** @file GET /docs/assets/<file>: Swagger UI's script, stylesheet and icons, from our origin. */
import { error } from '@sveltejs/kit';
import { readSwaggerAsset } from '$lib/server/api/swagger-assets';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params }) => {
	const asset = await readSwaggerAsset(params.file);
	if (!asset) error(404, `No documentation asset "${params.file}".`);
	return new Response(asset.body, {
		headers: {
			'Content-Type': asset.contentType,
			'Content-Length': String(asset.body.byteLength),
			'Cache-Control': 'public, max-age=31536000, immutable'
		}
	});
};
