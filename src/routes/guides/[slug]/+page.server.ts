import { error } from '@sveltejs/kit';
import { guideFor } from '$lib/server/guides';
import type { PageServerLoad } from './$types';

// A guide is text: it renders whole on the server and ships no JavaScript (the app's
// shared runtime alone is over the 50 KB budget). The page registers the service
// worker itself, so a first visit that lands here still keeps the guides offline.
export const csr = false;

export const load: PageServerLoad = ({ locals, params }) => {
	const guide = guideFor(locals.lang, params.slug);
	if (!guide) error(404, 'no such guide');
	const { slug, title, summary, hazards, audience, reviewed, sources, sections } = guide;
	return { guide: { slug, title, summary, hazards, audience, reviewed, sources, sections: [sections.before, sections.during, sections.after].map(({ id, heading, html }) => ({ id, heading, html })) } };
};
