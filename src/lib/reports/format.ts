/** Dates of reports, always in Beijing time (the district's clock), in the page's language. */
export function when(date: Date | string | null | undefined, lang: string): string {
	if (!date) return '';
	return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', {
		timeZone: 'Asia/Shanghai',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit'
	}).format(new Date(date));
}
