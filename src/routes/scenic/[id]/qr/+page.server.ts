import { error } from '@sveltejs/kit';
import QRCode from 'qrcode';
import * as scenic from '$lib/server/scenic';
import type { PageServerLoad } from './$types';

// A printable sign for the entrance: the QR code opens the area's page in the visitor's language.
export const load: PageServerLoad = async ({ locals, params, url }) => {
	const area = await locals.db((tx) => scenic.get(tx, params.id));
	if (!area) error(404, 'not found');
	const target = `${url.origin}/scenic/${area.id}`;
	const svg = await QRCode.toString(target, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
	return { area: { id: area.id, name_zh: area.name_zh, name_en: area.name_en }, target, svg };
};
