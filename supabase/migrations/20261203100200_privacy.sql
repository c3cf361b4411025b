/**
 * Privacy and least privilege (issue 14, items 9, 10 and 12).
 *
 * - WeChat message claims are the /wechat endpoint's (it runs them as service_role after
 *   checking the platform's signature): anon loses them, so replies with tracking links
 *   cannot be read over Supabase's REST API.
 * - Teams: organisers put into a team only volunteers of the team's own township who
 *   agreed to be placed in a team (volunteers.team_consent).
 * - Retention (PIPL): app.prune_personal_data() deletes or erases what is no longer
 *   needed, with the periods below; every server process runs it hourly.
 * - A volunteer deletes their own account (app.volunteer_delete_me): only anonymous hour
 *   counts per event stay.
 */

/*
 * -------------------------------------------------------
 * Section: WeChat claims, service_role only
 * -------------------------------------------------------
 */
revoke execute on function public.wechat_claim(text), public.wechat_answered(text, text) from anon, authenticated;
grant execute on function public.wechat_claim(text), public.wechat_answered(text, text) to service_role;

/*
 * -------------------------------------------------------
 * Section: teams — own township, and consent
 * -------------------------------------------------------
 */
alter table public.volunteers add column team_consent boolean not null default false;
comment on column public.volunteers.team_consent is 'The volunteer agreed that organisers of their township may place them in a team.';
grant update (team_consent) on public.volunteers to authenticated;

/** Organisers put a volunteer (found by phone) in a team of their township, optionally as its leader. */
create or replace function app.volunteer_join_team(p_team uuid, p_phone text, p_leader boolean)
returns text
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_team public.volunteer_teams;
  v_user uuid;
  v_name text;
begin
  select * into v_team from public.volunteer_teams t where t.id = p_team;
  if not found or not app.organises(v_team.town_code, null) then
    raise exception 'not an organiser of this team' using errcode = '42501', hint = 'not_organiser';
  end if;
  -- One answer for "no such phone", "another township" and "did not agree": a phone
  -- number tells an organiser nothing about people outside their township.
  select v.user_id, v.name into v_user, v_name from public.volunteers v
   where v.phone = p_phone and v.town_code = v_team.town_code and v.team_consent;
  if not found then
    raise exception 'no volunteer of this township with this phone who agreed to join a team'
      using errcode = 'P0002', hint = 'no_volunteer';
  end if;
  update public.volunteers v set team_id = p_team where v.user_id = v_user;
  if p_leader then
    update public.volunteer_teams t set leader_id = v_user where t.id = p_team;
  end if;
  return coalesce(v_name, p_phone);
end;
$$;

/*
 * -------------------------------------------------------
 * Section: anonymous hours, and deleting a volunteer account
 * -------------------------------------------------------
 */
create table public.volunteer_hours_kept (
  id bigint generated always as identity primary key,
  event_id uuid not null references public.volunteer_events (id) on delete cascade,
  checked_in boolean not null,
  hours numeric(5, 2) check (hours >= 0),
  kept_at timestamptz not null default now()
);
comment on table public.volunteer_hours_kept is 'Hours served by volunteers who deleted their account: per event, no person.';
create index volunteer_hours_kept_event_idx on public.volunteer_hours_kept (event_id);
alter table public.volunteer_hours_kept enable row level security;
revoke all on public.volunteer_hours_kept from anon, authenticated;
grant select on public.volunteer_hours_kept to authenticated;
create policy "staff read anonymous hours" on public.volunteer_hours_kept for select to authenticated
  using (app.staff_role() is not null);

/**
 * Deletes the calling volunteer: seats of coming events are given back (the waiting list
 * moves up), hours served are kept per event without the person, then the account,
 * profile, registrations, sessions, codes and messages to the phone go.
 */
create or replace function app.volunteer_delete_me() returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_me uuid := auth.uid();
  v_phone text;
  v_reg uuid;
begin
  select v.phone into v_phone from public.volunteers v where v.user_id = v_me;
  if not found then
    raise exception 'no volunteer account' using errcode = 'P0002', hint = 'not_found';
  end if;
  for v_reg in
    select r.id from public.volunteer_registrations r join public.volunteer_events e on e.id = r.event_id
     where r.volunteer_id = v_me and r.status <> 'cancelled' and e.starts_at > now()
  loop
    perform app.volunteer_cancel(v_reg);
  end loop;
  insert into public.volunteer_hours_kept (event_id, checked_in, hours)
    select r.event_id, true, r.hours from public.volunteer_registrations r
     where r.volunteer_id = v_me and r.checked_in_at is not null;
  delete from app_private.volunteer_codes c where c.phone = v_phone;
  delete from public.outbox_messages m where m.recipient = v_phone;
  -- The profile, registrations and sessions follow by their foreign keys.
  delete from auth.users u where u.id = v_me;
end;
$$;
revoke all on function app.volunteer_delete_me() from public;
grant execute on function app.volunteer_delete_me() to authenticated, service_role;

/*
 * -------------------------------------------------------
 * Section: retention
 * Periods (also in docs/security.md):
 *   outbox messages ........................ 30 days after they were written
 *   volunteer sign-in codes (phone, address)  1 day (the rate limits look back 1 hour)
 *   staff and volunteer sessions (address,
 *     user agent) .......................... 30 days after they ended (expired or revoked)
 *   report texts and photos ................ 1 year after the report was closed, merged or
 *     hidden: the description and address are erased, photos deleted, the point rounded
 *     to ~100 m; category, township, times and status stay for the statistics
 *   (names and phones of reporters: 180 days after closing, erased by the SLA clock)
 * -------------------------------------------------------
 */
alter table public.reports add column texts_erased_at timestamptz;
comment on column public.reports.texts_erased_at is 'When the description, address and photos were erased at the end of the retention period.';

create or replace function app.prune_personal_data()
returns table (kind text, removed integer)
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  n integer;
begin
  delete from public.outbox_messages m where m.created_at < now() - interval '30 days';
  get diagnostics n = row_count;
  kind := 'outbox_messages'; removed := n; return next;

  delete from app_private.volunteer_codes c where c.created_at < now() - interval '1 day';
  get diagnostics n = row_count;
  kind := 'volunteer_codes'; removed := n; return next;

  delete from app_private.sessions s where least(s.expires_at, coalesce(s.revoked_at, s.expires_at)) < now() - interval '30 days';
  get diagnostics n = row_count;
  kind := 'sessions'; removed := n; return next;

  delete from app_private.volunteer_sessions s where least(s.expires_at, coalesce(s.revoked_at, s.expires_at)) < now() - interval '30 days';
  get diagnostics n = row_count;
  kind := 'volunteer_sessions'; removed := n; return next;

  with old as (
    select r.id from public.reports r
     where r.texts_erased_at is null and r.status in ('closed', 'merged', 'hidden')
       and coalesce(r.closed_at, r.created_at) < now() - interval '1 year'
     limit 1000
     for update skip locked
  ), photos as (
    update public.report_photos p set bytes = null, redacted_at = now()
      from old where p.report_id = old.id and p.bytes is not null
    returning p.id
  )
  update public.reports r
     set description = '[erased]', address = null, texts_erased_at = now(),
         location = extensions.st_snaptogrid(r.location, 0.001)
    from old where r.id = old.id;
  get diagnostics n = row_count;
  kind := 'report_texts'; removed := n; return next;
end;
$$;
comment on function app.prune_personal_data() is 'Retention: deletes or erases personal data past its period (see the section comment); service_role only.';
revoke all on function app.prune_personal_data() from public;
grant execute on function app.prune_personal_data() to service_role;
