/** @file Tells the page where this server's models come from. */
import { config } from '$lib/server/config';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = () => {
	const { modelSource } = config();
	return { modelSource };
};
