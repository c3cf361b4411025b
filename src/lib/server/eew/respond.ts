/**
 * The answer to an EEW, however it came (JSON or CAP): 201 for a new message, 200 for
 * one already stored (idempotent on event id + sequence), 403 for a caller whose API key
 * is not the network's, 400 naming the field for bad input — never half-stored.
 */
import { json } from '@sveltejs/kit';
import { apiError } from '../http';
import { receiveEew } from '.';
import { EewRefused } from './store';
import { EewInputError } from './validate';
import { services } from '../runtime';
import type { EewFacts } from '../../eew/message';

export async function respondEew(locals: App.Locals, facts: EewFacts, source: 'api' | 'cap'): Promise<Response> {
	const { db, delivery } = services();
	try {
		const issued = await receiveEew(locals.db, db, delivery, facts, source);
		return json(
			{ ...issued, eventId: facts.eventId, sequence: facts.sequence, drill: facts.status === 'Exercise' },
			{ status: issued.created ? 201 : 200 }
		);
	} catch (error) {
		if (error instanceof EewRefused) return apiError(403, error.message);
		if (error instanceof EewInputError) return apiError(error.field === 'sequence' ? 409 : 400, error.message, { field: error.field, problem: error.problem });
		throw error;
	}
}
