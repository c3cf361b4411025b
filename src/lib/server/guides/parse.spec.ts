import { describe, expect, it } from 'vitest';
import { parseGuide, type Headings } from './parse';

const HEADINGS: Headings = { before: 'Before', during: 'During', after: 'After' };
const FRONT = {
	title: 'Test',
	hazards: '[earthquake]',
	audience: '[residents]',
	summary: 'A test guide.',
	reviewed: '2026-11-29',
	sources: '\n  - title: "A source"\n    url: https://example.gov/page',
	order: '1'
};
const BODY = '## Before\n\n- Plan.\n\n## During\n\n1. **Drop.** Cover.\n\n## After\n\nCheck.\n';

function file(front: Partial<Record<keyof typeof FRONT, string | null>> = {}, body = BODY, extra = ''): string {
	const fields = { ...FRONT, ...front };
	const lines = Object.entries(fields)
		.filter(([, v]) => v !== null)
		.map(([k, v]) => `${k}: ${v}`);
	return `---\n${lines.join('\n')}${extra}\n---\n\n${body}`;
}

const parse = (source: string) => parseGuide('content/en/guides/test.md', source, HEADINGS);

describe('a guide file', () => {
	it('parses front matter and cuts the body into before, during and after', () => {
		const guide = parse(file());
		expect(guide).toMatchObject({
			slug: 'test',
			title: 'Test',
			hazards: ['earthquake'],
			audience: ['residents'],
			reviewed: '2026-11-29',
			sources: [{ title: 'A source', url: 'https://example.gov/page' }],
			order: 1
		});
		expect(guide.sections.during).toMatchObject({ id: 'during', heading: 'During', text: 'Drop. Cover.' });
		expect(guide.sections.during.html).toBe('<ol>\n<li><strong>Drop.</strong> Cover.</li>\n</ol>\n');
		expect(guide.sections.before.html).not.toContain('Before');
	});

	it('escapes raw HTML in the Markdown instead of passing it through', () => {
		const body = BODY.replace('Check.', 'Check <script>alert(1)</script> and <img src=x onerror=alert(1)> [x](javascript:alert(1))');
		const html = parse(file({}, body)).sections.after.html;
		expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
		expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
		expect(html).not.toMatch(/<script|<img|href="javascript:/);
	});

	it.each([
		[{ title: null }, 'test.md: front matter "title" is required'],
		[{ title: '""' }, '"title" is required'],
		[{ hazards: '[quake]' }, '"hazards" has "quake", which is not a hazard code'],
		[{ hazards: 'earthquake' }, '"hazards" must be a list'],
		[{ audience: '[]' }, '"audience" must name at least one audience'],
		[{ audience: '[everyone]' }, '"audience" has "everyone"'],
		[{ reviewed: '2026-02-30' }, '"reviewed" must be a date written YYYY-MM-DD'],
		[{ reviewed: 'yesterday' }, '"reviewed" must be a date'],
		[{ sources: '[]' }, '"sources" must cite at least one source'],
		[{ sources: '\n  - url: https://example.gov' }, '"sources[0].title" is required'],
		[{ sources: '\n  - title: x\n    url: ftp://example.gov' }, '"sources[0].url" must be an http(s) address'],
		[{ sources: '\n  - title: x\n    link: https://example.gov' }, '"sources[0]" has unknown field "link"'],
		[{ order: '1.5' }, '"order" must be a whole number'],
		[{ summary: 'x'.repeat(201) }, '"summary" is too long']
	])('names the file and the field when front matter is wrong: %o', (front, message) => {
		expect(() => parse(file(front))).toThrow(message);
	});

	it('refuses unknown fields, broken YAML and a missing front matter', () => {
		expect(() => parse(file({}, BODY, '\ntags: [a]'))).toThrow('content/en/guides/test.md: front matter "tags" is not a known field');
		expect(() => parse(file({ title: '"unclosed' }))).toThrow('test.md: front matter is not valid YAML');
		expect(() => parse(BODY)).toThrow('test.md: must start with front matter');
	});

	it('needs exactly the three sections, in order, each with something in it', () => {
		expect(() => parse(file({}, BODY.replace('## During', '## While')))).toThrow('needs exactly the sections "## Before", "## During", "## After" in that order (found "Before", "While", "After")');
		expect(() => parse(file({}, BODY.replace('## After\n\nCheck.\n', '')))).toThrow('needs exactly the sections');
		expect(() => parse(file({}, 'Intro.\n\n' + BODY))).toThrow('has text before "## Before"');
		expect(() => parse(file({}, BODY.replace('Check.', '')))).toThrow('section "## After" is empty');
	});

	it('refuses a file name that cannot be a URL', () => {
		expect(() => parseGuide('content/en/guides/Bad Name.md', file(), HEADINGS)).toThrow('file name must be lower-case');
	});

	it('collects links to other pages of the app', () => {
		const body = BODY.replace('Check.', 'See [gas](/guides/gas_safety) and [a site](https://example.gov).');
		expect(parse(file({}, body)).links).toEqual(['/guides/gas_safety']);
	});
});
