/**
 * A local fake SMS gateway for the journeys: it posts a resident's reply to
 * /api/sms/inbound as the operator's gateway adapter would (JSON, X-Gateway-Token), and
 * hands back what the server answered (the action and the text to send back).
 * The token is set for the journeys' server by tests/e2e-server.ts.
 */
import type { APIRequestContext } from '@playwright/test';

export const E2E_SMS_INBOUND_TOKEN = 'e2e-sms-inbound-token-0123456789abcdef';

let serial = 0;

export function fakeSmsGateway(request: APIRequestContext, token = E2E_SMS_INBOUND_TOKEN) {
	return {
		async reply(from: string, text: string): Promise<{ status: number; body: { action?: string; reply?: string | null; ticket?: string; error?: string } }> {
			const response = await request.post('/api/sms/inbound', {
				headers: { 'x-gateway-token': token },
				data: { from, text, id: `e2e-${Date.now()}-${++serial}` }
			});
			return { status: response.status(), body: await response.json() };
		}
	};
}
