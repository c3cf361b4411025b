/**
 * One guide file: front matter (YAML) validated field by field, Markdown rendered with
 * raw HTML disabled, cut into its three sections. A mistake names the file and the
 * field, so a content editor can fix it from the build log alone.
 */
import MarkdownIt from 'markdown-it';
import anchor from 'markdown-it-anchor';
import { parse as parseYaml } from 'yaml';
import { isHazardCode, type HazardCode } from '$lib/hazards';
import { SECTION_IDS, type SectionId } from '$lib/guides/search';

export const AUDIENCES = ['residents', 'tourists'] as const;
export type Audience = (typeof AUDIENCES)[number];
export type Source = { title: string; url?: string };

export type GuideSection = {
	id: SectionId;
	heading: string;
	/** the section's body, without its heading */
	html: string;
	text: string;
};

export type Guide = {
	slug: string;
	title: string;
	hazards: HazardCode[];
	audience: Audience[];
	summary: string;
	reviewed: string;
	sources: Source[];
	order: number;
	sections: Record<SectionId, GuideSection>;
	/** paths of other guides this one links to (checked by a test) */
	links: string[];
};

export class GuideError extends Error {
	constructor(file: string, what: string) {
		super(`${file}: ${what}`);
		this.name = 'GuideError';
	}
}

const FIELDS = ['title', 'hazards', 'audience', 'summary', 'reviewed', 'sources', 'order'];

/** The section headings of one language, e.g. { before: 'Before', … } (from the i18n files). */
export type Headings = Record<SectionId, string>;

export function parseGuide(file: string, source: string, headings: Headings): Guide {
	const slug = file.match(/([^/]+)\.md$/)?.[1] ?? '';
	if (!/^[a-z][a-z0-9_]*$/.test(slug)) throw new GuideError(file, 'file name must be lower-case letters, digits and _ (it is the URL)');
	const match = source.match(/^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/);
	if (!match) throw new GuideError(file, 'must start with front matter between two "---" lines');
	let meta: unknown;
	try {
		meta = parseYaml(match[1] ?? '');
	} catch (error) {
		throw new GuideError(file, `front matter is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
	}
	const front = validate(file, meta);
	const { sections, links } = render(file, match[2] ?? '', headings);
	return { slug, ...front, sections, links };
}

function validate(file: string, meta: unknown): Omit<Guide, 'slug' | 'sections' | 'links'> {
	if (!meta || typeof meta !== 'object' || Array.isArray(meta)) throw new GuideError(file, 'front matter must be a YAML mapping');
	const m = meta as Record<string, unknown>;
	const fail = (field: string, what: string): never => {
		throw new GuideError(file, `front matter "${field}" ${what}`);
	};
	for (const key of Object.keys(m)) if (!FIELDS.includes(key)) fail(key, `is not a known field (known: ${FIELDS.join(', ')})`);
	const text = (field: string, max: number): string => {
		const value = m[field];
		if (typeof value !== 'string' || !value.trim()) return fail(field, 'is required and must be text');
		if (value.length > max) fail(field, `is too long (at most ${max} characters)`);
		return value.trim();
	};
	const list = (field: string): unknown[] => (Array.isArray(m[field]) ? (m[field] as unknown[]) : fail(field, 'must be a list'));

	const hazards = list('hazards').map((h) => (isHazardCode(h) ? h : fail('hazards', `has "${String(h)}", which is not a hazard code (src/lib/hazards.ts)`)));
	const audience = list('audience').map((a) =>
		(AUDIENCES as readonly unknown[]).includes(a) ? (a as Audience) : fail('audience', `has "${String(a)}"; use ${AUDIENCES.join(' or ')}`)
	);
	if (!audience.length) fail('audience', 'must name at least one audience');

	const reviewed = m.reviewed;
	const day = typeof reviewed === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(reviewed) ? new Date(`${reviewed}T00:00:00Z`) : null;
	if (!day || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== reviewed) fail('reviewed', 'must be a date written YYYY-MM-DD');

	const sources = list('sources').map((s, i) => {
		const where = `sources[${i}]`;
		if (!s || typeof s !== 'object') return fail(where, 'must have a title (and may have a url)');
		const { title, url, ...rest } = s as Record<string, unknown>;
		if (Object.keys(rest).length) fail(where, `has unknown field "${Object.keys(rest)[0]}"`);
		if (typeof title !== 'string' || !title.trim()) fail(`${where}.title`, 'is required');
		if (url !== undefined && (typeof url !== 'string' || !/^https?:\/\/[^\s/]+\.[^\s]+$/.test(url))) fail(`${where}.url`, 'must be an http(s) address');
		return url === undefined ? { title: String(title).trim() } : { title: String(title).trim(), url: String(url) };
	});
	if (!sources.length) fail('sources', 'must cite at least one source');

	const order = m.order;
	if (typeof order !== 'number' || !Number.isInteger(order) || order < 0) fail('order', 'must be a whole number ≥ 0');

	return { title: text('title', 60), hazards, audience, summary: text('summary', 200), reviewed: reviewed as string, sources, order: order as number };
}

const md = new MarkdownIt({ html: false, linkify: false, typographer: false }).use(anchor, {
	level: 2,
	// The three sections get the same ids in every language; any other heading a plain one.
	slugifyWithState: (title: string, state) => (state.env as { ids?: Record<string, string> }).ids?.[title] ?? 'h-' + encodeURIComponent(title).slice(0, 40)
});

function render(file: string, body: string, headings: Headings): { sections: Record<SectionId, GuideSection>; links: string[] } {
	const ids = Object.fromEntries(SECTION_IDS.map((id) => [headings[id], id]));
	const env = { ids };
	const tokens = md.parse(body, env);
	const starts = tokens.flatMap((t, i) => (t.type === 'heading_open' && t.tag === 'h2' ? [i] : []));
	const found = starts.map((i) => tokens[i + 1]?.content.trim() ?? '');
	const wanted = SECTION_IDS.map((id) => headings[id]);
	if (found.join('|') !== wanted.join('|')) {
		throw new GuideError(file, `needs exactly the sections ${wanted.map((h) => `"## ${h}"`).join(', ')} in that order (found ${found.map((h) => `"${h}"`).join(', ') || 'none'})`);
	}
	if (starts[0] !== 0) throw new GuideError(file, `has text before "## ${wanted[0]}"`);

	const links: string[] = [];
	for (const token of tokens) {
		for (const child of token.children ?? []) {
			const href = child.type === 'link_open' ? String(child.attrGet('href') ?? '') : '';
			if (href.startsWith('/')) links.push(href);
		}
	}
	const sections = Object.fromEntries(
		SECTION_IDS.map((id, n) => {
			const start = starts[n] ?? 0;
			const body = tokens.slice(start + 3, starts[n + 1] ?? tokens.length);
			const text = body
				.filter((t) => t.type === 'inline')
				.map((t) => (t.children ?? []).map((c) => (c.type === 'text' || c.type === 'code_inline' ? c.content : /break$/.test(c.type) ? ' ' : '')).join(''))
				.join(' ');
			if (!text.trim()) throw new GuideError(file, `section "## ${headings[id]}" is empty`);
			// markdown-it-anchor gave the heading its id: the same in every language.
			if (tokens[start]?.attrGet('id') !== id) throw new GuideError(file, `heading "${headings[id]}" did not get the id "${id}"`);
			return [id, { id, heading: headings[id], html: md.renderer.render(body, md.options, env), text }];
		})
	) as Record<SectionId, GuideSection>;
	return { sections, links };
}
