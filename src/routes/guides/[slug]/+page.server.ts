import { error } from '@sveltejs/kit';
import { guideFor } from '$lib/server/guides';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, params }) => {
	const guide = guideFor(locals.lang, params.slug);
	if (!guide) error(404, 'no such guide');
	const { slug, title, summary, hazards, audience, reviewed, sources, sections } = guide;
	return { guide: { slug, title, summary, hazards, audience, reviewed, sources, sections: [sections.before, sections.during, sections.after].map(({ id, heading, html }) => ({ id, heading, html })) } };
};
