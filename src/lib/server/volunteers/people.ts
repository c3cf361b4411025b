/**
 * Volunteer profiles, teams per township, and the console's figures.
 */
import type { Tables } from '../../db-types.gen';
import type { Queryable } from '../db/port';
import { district } from '../district';

export type Profile = Omit<Tables['volunteers'], 'team_id' | 'created_at' | 'updated_at'> & {
	team_name: string | null;
	hours: string;
	trainings: number;
};

export async function profile(tx: Queryable, userId: string): Promise<Profile | null> {
	const [row] = await tx.query<Profile>(
		`select v.user_id, v.phone, v.name, v.town_code, v.skills, v.certificates, v.emergency_name, v.emergency_phone,
		        v.team_consent, t.name as team_name,
		        coalesce((select sum(r.hours) from public.volunteer_registrations r where r.volunteer_id = v.user_id), 0)::text as hours,
		        (select count(*)::int from public.volunteer_registrations r join public.volunteer_events e on e.id = r.event_id
		          where r.volunteer_id = v.user_id and e.kind = 'training' and r.checked_in_at is not null) as trainings
		   from public.volunteers v left join public.volunteer_teams t on t.id = v.team_id
		  where v.user_id = $1`,
		[userId]
	);
	return row ?? null;
}

export type ProfileInput = Record<'name' | 'town_code' | 'skills' | 'certificates' | 'emergency_name' | 'emergency_phone', string> & {
	/** agreed that organisers of their township may place them in a team */
	team_consent: boolean;
};

export function parseProfile(form: FormData) {
	const field = (name: Exclude<keyof ProfileInput, 'team_consent'>) => String(form.get(name) ?? '').trim();
	const values: ProfileInput = {
		name: field('name'),
		town_code: field('town_code'),
		skills: field('skills'),
		certificates: field('certificates'),
		emergency_name: field('emergency_name'),
		emergency_phone: field('emergency_phone'),
		team_consent: form.get('team_consent') === 'on'
	};
	const errors: Partial<Record<Exclude<keyof ProfileInput, 'team_consent'>, string>> = {};
	if (!values.name) errors.name = 'errors.required';
	else if (values.name.length > 60) errors.name = 'errors.too_long';
	// Missing is "required"; given but no township code of Miyun is "unknown township" (town_code=999 said "required").
	if (!values.town_code) errors.town_code = 'errors.required';
	else if (!/^110118[0-9]{3}$/.test(values.town_code)) errors.town_code = 'volunteer.errors.unknown_town';
	if (values.skills.length > 500) errors.skills = 'errors.too_long';
	if (values.certificates.length > 500) errors.certificates = 'errors.too_long';
	if (values.emergency_name.length > 60) errors.emergency_name = 'errors.too_long';
	if (values.emergency_phone && !/^[0-9+() -]{3,30}$/.test(values.emergency_phone)) errors.emergency_phone = 'volunteer.errors.phone';
	return { values, errors };
}

export async function saveProfile(tx: Queryable, userId: string, v: ProfileInput): Promise<boolean> {
	const rows = await tx.query(
		`update public.volunteers set name = $2, town_code = $3, skills = nullif($4, ''), certificates = nullif($5, ''),
		        emergency_name = nullif($6, ''), emergency_phone = nullif($7, ''), team_consent = $8
		  where user_id = $1 returning user_id`,
		[userId, v.name, v.town_code, v.skills, v.certificates, v.emergency_name, v.emergency_phone, v.team_consent]
	);
	return rows.length === 1;
}

/**
 * Deletes the caller's own volunteer account (run as the volunteer): coming sign-ups are
 * cancelled, hours served stay only as anonymous counts per event.
 */
export async function deleteAccount(tx: Queryable): Promise<void> {
	await tx.query('select app.volunteer_delete_me()');
}

export type Team = { id: string; town_code: string; name: string; leader_name: string | null; members: number };

/** Teams (public); the leader's name shows only to those who may see the leader's profile. */
export function teams(tx: Queryable): Promise<Team[]> {
	return tx.query<Team>(
		`select t.id, t.town_code, t.name, v.name as leader_name,
		        (select count(*)::int from public.volunteers m where m.team_id = t.id) as members
		   from public.volunteer_teams t left join public.volunteers v on v.user_id = t.leader_id
		  order by t.town_code, t.name`
	);
}

/** Adds a team; null when the caller does not organise that township (RLS refuses). */
export async function addTeam(tx: Queryable, townCode: string, name: string): Promise<string | null> {
	const [may] = await tx.query<{ may: boolean }>('select app.organises($1, null) as may', [townCode]);
	if (!may?.may) return null;
	const [row] = await tx.query<{ id: string }>(
		`insert into public.volunteer_teams (town_code, name) values ($1, $2) on conflict (town_code, name) do nothing returning id`,
		[townCode, name]
	);
	return row?.id ?? null;
}

export type JoinTeam = { ok: true; name: string } | { ok: false; problem: 'not_organiser' | 'no_volunteer' };

/** Puts the volunteer with this phone in the team (and makes them its leader); organisers only. */
export async function joinTeam(tx: Queryable, teamId: string, phone: string, leader: boolean): Promise<JoinTeam> {
	try {
		const [row] = await tx.query<{ name: string }>('select app.volunteer_join_team($1, $2, $3) as name', [teamId, phone, leader]);
		return { ok: true, name: row!.name };
	} catch (error) {
		const hint = (error as { hint?: string }).hint;
		if (hint === 'not_organiser' || hint === 'no_volunteer') return { ok: false, problem: hint };
		throw error;
	}
}

export type TownFigures = {
	town_code: string;
	name_zh: string;
	name_en: string;
	teams: number;
	active_volunteers: number;
	trainings_held: number;
	people_trained: number;
};

export async function figures(tx: Queryable, year: number): Promise<TownFigures[]> {
	const rows = await tx.query<Omit<TownFigures, 'name_zh' | 'name_en'>>(`select f.* from app.volunteer_figures($1) f order by f.town_code`, [year]);
	// The townships' names from the district module, not a join per page.
	const towns = new Map((await district(tx)).towns.map((t) => [t.code, t]));
	return rows.flatMap((r) => {
		const town = towns.get(r.town_code);
		return town ? [{ ...r, name_zh: town.name_zh, name_en: town.name_en }] : [];
	});
}


