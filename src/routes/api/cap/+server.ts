import { json } from '@sveltejs/kit';
import { can } from '$lib/server/auth/can';
import { apiError } from '$lib/server/http';
import { CapError } from '$lib/server/warnings/cap';
import { importCap } from '$lib/server/warnings/cap-store';
import { looksLikeEewCap, parseEewCap } from '$lib/server/eew/validate';
import type { RequestHandler } from './$types';
import { respondEew } from '$lib/server/eew/respond';
import { mediaType } from '$lib/server/media-type';

const XML_TYPES = ['application/xml', 'text/xml', 'application/cap+xml'];

/** Imports a CAP 1.2 alert from an upstream system (API key with role warning_issuer). */
export const POST: RequestHandler = async ({ locals, request, url }) => {
	const who = locals.identity;
	if (who.kind === 'anon') return apiError(401, 'send an API key: Authorization: Bearer <key>', undefined, { 'www-authenticate': 'Bearer' });
	const type = mediaType(request);
	if (!XML_TYPES.includes(type)) return apiError(415, `send the alert as ${XML_TYPES.join(' or ')}, not "${type || 'nothing'}"`);
	const xml = await request.text();
	// An earthquake early warning (EEW parameters): its own path, role and checks (the database decides who may).
	if (looksLikeEewCap(xml)) {
		try {
			return await respondEew(locals, parseEewCap(xml), 'cap');
		} catch (error) {
			if (error instanceof CapError) return apiError(400, error.message, { element: error.element, problem: error.problem });
			throw error;
		}
	}
	if (!(await locals.db((tx) => can(tx, 'issue_warnings')))) return apiError(403, `role ${who.role} may not import warnings (warning_issuer only)`);
	try {
		const imported = await locals.db((tx) => importCap(tx, xml));
		return json(
			{ ...imported, url: `${url.origin}/warnings/${imported.threadId}` },
			{ status: imported.created ? 201 : 200 }
		);
	} catch (error) {
		if (error instanceof CapError) return apiError(400, error.message, { element: error.element, problem: error.problem });
		throw error;
	}
};
