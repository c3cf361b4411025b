/** GET /api/push/public-key — the VAPID key browsers subscribe with (applicationServerKey). */
import { json } from '@sveltejs/kit';
import { services } from '$lib/server/runtime';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = () => json({ publicKey: services().delivery.publicKey });
