import { isHazardCode } from '$lib/hazards';
import { listGuides, searchGuideLibrary } from '$lib/server/guides';
import type { PageServerLoad } from './$types';

// Search without JavaScript: the form submits ?q= here and the server answers.
export const load: PageServerLoad = ({ locals, url }) => {
	const q = (url.searchParams.get('q') ?? '').trim().slice(0, 100);
	const cards = listGuides(locals.lang).map(({ slug, title, summary }) => ({ slug, title, summary }));
	return {
		q,
		hits: q ? searchGuideLibrary(locals.lang, q) : null,
		// By hazard: the guides named after a hazard of the warning system first, then everyday safety.
		groups: [
			{ key: 'hazards', guides: cards.filter((g) => isHazardCode(g.slug)) },
			{ key: 'everyday', guides: cards.filter((g) => !isHazardCode(g.slug)) }
		]
	};
};
