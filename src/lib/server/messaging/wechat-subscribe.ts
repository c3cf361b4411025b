/**
 * "订阅预警 <place>" sent to the Official Account: the follower subscribes to warnings for
 * a village or a township, by WeChat subscription message. The /wechat endpoint asks this
 * module first and hands everything else to the assistant. The words of the commands are
 * in the locale catalogues (subscriptions.wechat_*), in both languages.
 *
 * The place is found in the district module: a village by its name (the township's name
 * before it tells two villages of one name apart), else a township (its seat as the
 * point). Nothing is guessed: no match, or several, is answered with what to send.
 */
import { LANGS, makeT, type Lang } from '../../i18n';
import type { Queryable } from '../db/port';
import { district, type Town, type Village } from '../district';
import { messagesFor } from '../i18n';

export type WechatCommand = { kind: 'subscribe'; place: string } | { kind: 'unsubscribe' };

const words = (lang: Lang, key: string) =>
	makeT(lang, messagesFor(lang))(`subscriptions.${key}`)
		.split('|')
		.map((w) => w.trim().toLowerCase())
		.filter(Boolean);

/** The command in a message, in either language, or null for the assistant. */
export function wechatCommand(text: string): WechatCommand | null {
	const said = text.trim().replace(/\s+/g, ' ');
	const lower = said.toLowerCase();
	for (const lang of LANGS) {
		if (words(lang, 'wechat_unsubscribe_words').includes(lower)) return { kind: 'unsubscribe' };
		for (const word of words(lang, 'wechat_subscribe_words')) {
			if (lower.startsWith(word)) return { kind: 'subscribe', place: said.slice(word.length).trim() };
		}
	}
	return null;
}

type Found = { village: Village; town: Town | undefined } | { town: Town };

/** The village or township a follower named; several candidates are a question, not a guess. */
export function findPlace(d: { towns: Town[]; villages: Village[] }, name: string): Found[] {
	const n = name.replace(/\s+/g, '').toLowerCase();
	if (!n) return [];
	const plain = (s: string) => s.replace(/\s+/g, '').toLowerCase();
	const towns = new Map(d.towns.map((t) => [t.code, t]));
	const townIn = d.towns.find((t) => n.startsWith(plain(t.name_zh)) || n.startsWith(plain(t.name_en)));
	const rest = townIn ? n.slice(n.startsWith(plain(townIn.name_zh)) ? plain(townIn.name_zh).length : plain(townIn.name_en).length) : n;
	if (townIn && !rest) return [{ town: townIn }];
	const villages = d.villages.filter(
		(v) => (!townIn || v.town_code === townIn.code) && (plain(v.name_zh) === rest || plain(v.name_en) === rest || plain(v.name_zh).startsWith(rest))
	);
	const exact = villages.filter((v) => plain(v.name_zh) === rest || plain(v.name_en) === rest);
	return (exact.length ? exact : villages).slice(0, 5).map((v) => ({ village: v, town: towns.get(v.town_code) }));
}

/** Carries out a command for a follower (as service_role); returns the reply. */
export async function runWechatCommand(tx: Queryable, openid: string, command: WechatCommand, lang: Lang): Promise<string> {
	const t = makeT(lang, messagesFor(lang));
	const name = (p: { name_zh: string; name_en: string }) => (lang === 'en' ? p.name_en : p.name_zh);
	if (command.kind === 'unsubscribe') {
		const [row] = await tx.query<{ gone: boolean }>('select app.wechat_unsubscribe($1) as gone', [openid]);
		return t(row!.gone ? 'subscriptions.wechat_unsubscribed' : 'subscriptions.wechat_none');
	}
	const found = findPlace(await district(tx), command.place);
	if (found.length === 0) return t('subscriptions.wechat_which_place');
	if (found.length > 1) {
		const options = found.map((f) => ('village' in f ? `${f.town ? name(f.town) : ''}${lang === 'en' ? ' ' : ''}${name(f.village)}` : name(f.town)));
		return t('subscriptions.wechat_several', { places: options.join(lang === 'en' ? '; ' : '；') });
	}
	const [f] = found as [Found];
	let place: Record<string, unknown>;
	let label: string;
	if ('village' in f) {
		label = name(f.village);
		place = { village: f.village.code, label };
	} else {
		label = name(f.town);
		if (f.town.lat === null || f.town.lon === null) return t('subscriptions.wechat_town_unlocated', { town: label });
		place = { lat: f.town.lat, lon: f.town.lon, label };
	}
	const [row] = await tx.query<{ added: boolean; places: number }>('select added, places from app.wechat_subscribe($1, $2, $3)', [
		openid,
		JSON.stringify(place),
		lang
	]);
	return t(row!.added ? 'subscriptions.wechat_subscribed' : 'subscriptions.wechat_already', { place: label, count: row!.places });
}
