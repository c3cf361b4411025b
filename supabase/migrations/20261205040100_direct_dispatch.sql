/*
 * =======================================================
 * 12345 direct dispatch (直派, issue 19 item 5).
 *
 * - A routing rule that names a unit exactly (public.report_routes: category × township,
 *   or category for every township) now dispatches a new report at once to that
 *   department, with the acceptance and feedback clocks started, as the desk's 派单
 *   would. No rule (属地: the township itself) or a retired department: the report waits
 *   for the desk as before. The rule is SQL's (app.report_route); TypeScript only shows it.
 * - The desk sees such a report as auto-dispatched (`auto_dispatched_at`) and may
 *   re-dispatch it (public.report_dispatch clears the mark).
 * - An auto-dispatched report is not "seen by the desk": its text and photos stay out of
 *   public reads (reviewed_at) until staff act on it (the unit accepts, the desk
 *   re-dispatches, merges or hides).
 * - A resident who joins a report ("我也遇到了") gets a tracking token of their own
 *   (report_people.token_hash): they follow the report like its reporter; only the
 *   reporter rates it. The tracking view also gives the dispatch deadline.
 * =======================================================
 */
alter table public.reports add column auto_dispatched_at timestamptz;
comment on column public.reports.auto_dispatched_at is
  'Set when a routing rule dispatched the report at filing (直派); cleared when the desk dispatches it again.';

alter table public.report_people add column token_hash text unique check (token_hash ~ '^[0-9a-f]{64}$');
comment on column public.report_people.token_hash is 'A supporter''s own tracking token (SHA-256): whoever joined a report follows it too.';

alter table public.report_events drop constraint report_events_kind_check;
alter table public.report_events add constraint report_events_kind_check check (kind in ('received', 'dispatched',
  'auto_dispatched', 'accepted', 'note', 'returned', 'whistle', 'closed', 'rated', 'reopened', 'merged', 'escalated',
  'hidden', 'joined', 'photo_redacted'));

/** Dispatches a just-filed report when a rule names its unit; returns the department, or null (the desk decides). */
create or replace function app.report_auto_dispatch(p_report bigint)
returns text
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  r public.reports;
  v_dept text;
  v_cat public.report_categories;
begin
  select * into strict r from public.reports x where x.id = p_report for update;
  select x.department_code into v_dept from app.report_route(r.category, r.town_code) x;
  if v_dept is null or r.status <> 'received'
     or not exists (select 1 from public.departments d where d.code = v_dept and d.active) then
    return null;
  end if;
  select * into strict v_cat from public.report_categories c where c.code = r.category;
  update public.reports set status = 'dispatched', department_code = v_dept, unit_town_code = null,
         dispatched_at = now(), auto_dispatched_at = now(),
         accept_due_at = now() + make_interval(hours => v_cat.accept_hours),
         due_at = now() + make_interval(hours => v_cat.feedback_hours)
   where id = r.id;
  insert into public.report_events (report_id, kind, unit) values (r.id, 'auto_dispatched', v_dept);
  return v_dept;
end;
$$;
comment on function app.report_auto_dispatch(bigint) is 'Direct dispatch: a report whose routing rule names a department goes to it at once; 属地 reports stay with the desk.';
revoke all on function app.report_auto_dispatch(bigint) from public;

/** Sets reviewed_at once, when staff first act on the report: not when a rule dispatched it by itself. */
create or replace function app.report_mark_reviewed()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and old.reviewed_at is not null then
    new.reviewed_at := old.reviewed_at;
  elsif new.status <> 'received' and not (new.status = 'dispatched' and new.auto_dispatched_at is not null) then
    new.reviewed_at := coalesce(new.reviewed_at, now());
  else
    new.reviewed_at := null;
  end if;
  return new;
end;
$$;

create or replace function public.report_submit(
  p_key uuid, p_token text, p_category public.report_category, p_description text, p_town text,
  p_village text, p_address text, p_lon double precision, p_lat double precision,
  p_name text, p_phone text, p_photos jsonb default '[]'
) returns table (ticket text, created boolean)
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_day date := (now() at time zone 'Asia/Shanghai')::date;
  v_serial integer;
  v_id bigint;
  v_ticket text;
  v_cat public.report_categories;
  v_photo jsonb;
  v_bytes bytea;
begin
  if p_token is null or p_token !~ '^[A-Za-z0-9_-]{32,128}$' then
    raise exception 'the tracking token must be 32 to 128 url-safe characters' using errcode = '22023';
  end if;
  if p_key is not null then
    select r.ticket into v_ticket from public.reports r where r.idempotency_key = p_key;
    if found then
      return query select v_ticket, false;
      return;
    end if;
  end if;
  if p_village is not null and not exists (select 1 from public.villages v where v.code = p_village and v.town_code = p_town) then
    raise exception 'the village is not in that township' using errcode = '22023';
  end if;
  if (p_lon is null) <> (p_lat is null) or (p_lon is not null and not exists (
      select 1 from public.district d
       where extensions.st_dwithin(d.outline::extensions.geography,
               extensions.st_setsrid(extensions.st_makepoint(p_lon, p_lat), 4326)::extensions.geography, 5000))) then
    raise exception 'the location is not in Miyun District' using errcode = '22023';
  end if;
  if jsonb_typeof(coalesce(p_photos, '[]')) <> 'array' or jsonb_array_length(coalesce(p_photos, '[]')) > 4 then
    raise exception 'at most 4 photos' using errcode = '22023';
  end if;

  select * into strict v_cat from public.report_categories c where c.code = p_category;
  insert into public.report_ticket_counters as t (day, last) values (v_day, 1)
    on conflict (day) do update set last = t.last + 1
    returning t.last into v_serial;
  v_ticket := 'MY-' || to_char(v_day, 'YYYYMMDD') || '-' || lpad(v_serial::text, 4, '0');

  insert into public.reports (ticket, token_hash, idempotency_key, category, description, town_code, village_code,
                              address, location, dispatch_due_at)
  values (v_ticket, app.report_token_hash(p_token), p_key, p_category, btrim(p_description), p_town,
          p_village, nullif(btrim(p_address), ''),
          case when p_lon is not null then extensions.st_setsrid(extensions.st_makepoint(p_lon, p_lat), 4326) end,
          now() + make_interval(hours => v_cat.dispatch_hours))
  returning id into v_id;
  insert into public.report_people (report_id, kind, name, phone)
  values (v_id, 'reporter', nullif(btrim(p_name), ''), nullif(btrim(p_phone), ''));
  for v_photo in select * from jsonb_array_elements(coalesce(p_photos, '[]')) loop
    v_bytes := decode(v_photo ->> 'base64', 'base64');
    if not app.report_photo_ok(v_photo ->> 'type', v_bytes) then
      raise exception 'a photo is not a JPEG or WebP image' using errcode = '22023';
    end if;
    insert into public.report_photos (report_id, stage, content_type, bytes, width, height)
    values (v_id, 'report', v_photo ->> 'type', v_bytes, (v_photo ->> 'width')::integer, (v_photo ->> 'height')::integer);
  end loop;
  insert into public.report_events (report_id, kind) values (v_id, 'received');
  perform app.report_auto_dispatch(v_id);
  return query select v_ticket, true;
exception
  when unique_violation then
    -- Two posts with one key at the same moment: the other one won; answer with its ticket.
    if p_key is not null then
      return query select r.ticket, false from public.reports r where r.idempotency_key = p_key;
      if found then return; end if;
    end if;
    raise;
end;
$$;

create or replace function public.report_dispatch(p_report bigint, p_department text default null, p_town text default null)
returns text
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  r public.reports := app.report_for_step(p_report, 'desk');
  v_dept text := p_department;
  v_town text := p_town;
  v_cat public.report_categories;
begin
  if r.status not in ('received', 'dispatched', 'accepted') then
    raise exception 'report % is %, not open', r.ticket, r.status using errcode = '55000';
  end if;
  if v_dept is not null and v_town is not null then
    raise exception 'dispatch to a department or a township, not both' using errcode = '22023';
  end if;
  if v_dept is null and v_town is null then
    select x.department_code, x.unit_town_code into v_dept, v_town from app.report_route(r.category, r.town_code) x;
  end if;
  select * into strict v_cat from public.report_categories c where c.code = r.category;
  update public.reports set status = 'dispatched', department_code = v_dept, unit_town_code = v_town,
         dispatched_at = now(), accepted_at = null, escalated_at = null, auto_dispatched_at = null,
         accept_due_at = now() + make_interval(hours => v_cat.accept_hours),
         due_at = now() + make_interval(hours => v_cat.feedback_hours)
   where id = r.id;
  perform app.report_log(r.id, 'dispatched', null, true, coalesce(v_dept, v_town));
  return coalesce(v_dept, v_town);
end;
$$;

/** The report a tracking token opens: the reporter's, or a supporter's who joined it. */
create or replace function app.report_by_token(p_token text)
returns bigint
language sql stable security definer
set search_path = ''
as $$
  select coalesce(
    (select r.id from public.reports r where r.token_hash = app.report_token_hash(p_token)),
    (select p.report_id from public.report_people p where p.token_hash = app.report_token_hash(p_token)))
$$;
-- called inside the tracking functions (security definer) only
revoke all on function app.report_by_token(text) from public;

drop function public.report_track(text);
/** The resident's view of a report: no personal data, by token only (the reporter's or a supporter's). */
create function public.report_track(p_token text)
returns table (
  id bigint, ticket text, category public.report_category, description text, town_code text, village_code text,
  address text, status public.report_status, unit_department text, unit_town text, created_at timestamptz,
  due_at timestamptz, closed_at timestamptz, reply text, rating public.report_rating, reopened boolean,
  supporters integer, overdue boolean, dispatch_due_at timestamptz, accept_due_at timestamptz,
  auto_dispatched boolean, reporter boolean
)
language sql stable security definer
set search_path = ''
as $$
  select r.id, r.ticket, r.category, r.description, r.town_code, r.village_code, r.address, r.status,
         r.department_code, r.unit_town_code, r.created_at, r.due_at, r.closed_at, r.reply, r.rating,
         r.reopened_at is not null,
         (select count(*)::integer from public.report_people p where p.report_id = r.id and p.kind = 'supporter'),
         (r.status in ('dispatched', 'accepted') and r.due_at < now()) or (r.status = 'received' and r.dispatch_due_at < now()),
         r.dispatch_due_at, r.accept_due_at, r.auto_dispatched_at is not null,
         r.token_hash = app.report_token_hash(p_token)
    from public.reports r
   where r.id = app.report_by_token(p_token) and r.status <> 'hidden'
$$;
revoke all on function public.report_track(text) from public;
grant execute on function public.report_track(text) to anon, authenticated, service_role;

create or replace function public.report_track_events(p_token text)
returns table (kind text, unit text, note text, created_at timestamptz)
language sql stable security definer
set search_path = ''
as $$
  select e.kind, e.unit, e.note, e.created_at
    from public.report_events e join public.reports r on r.id = e.report_id
   where r.id = app.report_by_token(p_token) and e.public
   order by e.id
$$;

create or replace function public.report_track_photo(p_token text, p_photo bigint)
returns table (content_type text, bytes bytea)
language sql stable security definer
set search_path = ''
as $$
  select p.content_type, p.bytes
    from public.report_photos p join public.reports r on r.id = p.report_id
   where r.id = app.report_by_token(p_token) and p.id = p_photo and p.bytes is not null
$$;

create or replace function public.report_track_photos(p_token text)
returns table (id bigint, stage text, width integer, height integer)
language sql stable security definer
set search_path = ''
as $$
  select p.id, p.stage, p.width, p.height
    from public.report_photos p join public.reports r on r.id = p.report_id
   where r.id = app.report_by_token(p_token) and p.bytes is not null
   order by p.id
$$;

drop function public.report_join(bigint, uuid, text, text);
/** "This is my problem too": adds the person to an open report, with their own tracking token; the same key twice adds once. */
create function public.report_join(p_report bigint, p_key uuid, p_name text, p_phone text, p_token text)
returns text
language plpgsql volatile security definer
set search_path = ''
as $$
declare v_ticket text;
begin
  if p_token is not null and p_token !~ '^[A-Za-z0-9_-]{32,128}$' then
    raise exception 'the tracking token must be 32 to 128 url-safe characters' using errcode = '22023';
  end if;
  select r.ticket into v_ticket from public.reports r
   where r.id = p_report and r.status in ('received', 'dispatched', 'accepted');
  if not found then
    raise exception 'no open report %', p_report using errcode = 'P0002';
  end if;
  insert into public.report_people (report_id, kind, name, phone, idempotency_key, token_hash)
  values (p_report, 'supporter', nullif(btrim(p_name), ''), nullif(btrim(p_phone), ''), p_key,
          case when p_token is not null then app.report_token_hash(p_token) end)
  on conflict (idempotency_key) do nothing;
  if found then
    insert into public.report_events (report_id, kind) values (p_report, 'joined');
  end if;
  return v_ticket;
end;
$$;
revoke all on function public.report_join(bigint, uuid, text, text, text) from public;
grant execute on function public.report_join(bigint, uuid, text, text, text) to anon, authenticated, service_role;

/** A supporter follows the report by push with their own token, like its reporter. */
create or replace function app.report_watch(p_ticket text, p_token text, p_subscription uuid, p_secret_hash text)
returns boolean
language plpgsql security definer
set search_path = ''
as $$
declare
  v_report bigint;
begin
  select r.id into v_report from public.reports r
   where r.ticket = p_ticket and r.id = app.report_by_token(p_token) and r.status <> 'hidden';
  if v_report is null then return false; end if;
  if not exists (select 1 from public.subscriptions s
                  where s.id = p_subscription and s.secret_hash = p_secret_hash and s.channel = 'push') then
    return false;
  end if;
  insert into public.report_watchers (report_id, subscription_id) values (v_report, p_subscription)
    on conflict do nothing;
  return true;
end;
$$;
