/**
 * Reports: what anyone may read, and from when (issue 14, items 3 and 8).
 *
 * - A report's text and photos are public (Open311, the /report page's "already
 *   reported nearby" list) only once the dispatch desk has seen it: `reviewed_at`,
 *   set by a trigger when the report first leaves `received` (dispatch counts as
 *   review; so do merging and hiding). Until then Open311 shows the category, the
 *   place (rounded) and the status, without description or media.
 * - Photos are served under an unguessable key (`media_key`), never the sequential id.
 * - The nearby check measures from the report's rounded point (0.001°, as Open311
 *   shows it), also for the radius test, and answers distances rounded to 100 m:
 *   repeated lookups from chosen points no longer locate a report to the metre.
 */

/*
 * -------------------------------------------------------
 * Section: reviewed_at
 * -------------------------------------------------------
 */
alter table public.reports add column reviewed_at timestamptz;
comment on column public.reports.reviewed_at is
  'When the desk first saw the report (it left received: dispatched, merged or hidden). Text and photos are public only from then.';

update public.reports set reviewed_at = coalesce(dispatched_at, created_at) where status <> 'received';

/** Sets reviewed_at once, when the report first leaves `received`; it is never cleared. */
create or replace function app.report_mark_reviewed()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and old.reviewed_at is not null then
    new.reviewed_at := old.reviewed_at;
  elsif new.status <> 'received' then
    new.reviewed_at := coalesce(new.reviewed_at, now());
  else
    new.reviewed_at := null;
  end if;
  return new;
end;
$$;
comment on function app.report_mark_reviewed() is 'Trigger: reviewed_at is set when a report first leaves received, and never changes after.';

create trigger reports_reviewed before insert or update on public.reports
  for each row execute function app.report_mark_reviewed();

/** The point anyone may know of a report: its position rounded to 0.001° (about 100 m). */
create or replace function app.report_public_point(p_location extensions.geometry)
returns extensions.geography
language sql immutable
set search_path = ''
as $$
  select extensions.st_setsrid(extensions.st_makepoint(
           round(extensions.st_x(p_location)::numeric, 3)::double precision,
           round(extensions.st_y(p_location)::numeric, 3)::double precision), 4326)::extensions.geography
$$;
comment on function app.report_public_point(extensions.geometry) is 'A report position rounded to 0.001°, as Open311 and the nearby check show it.';

/*
 * -------------------------------------------------------
 * Section: unguessable media keys
 * -------------------------------------------------------
 */
alter table public.report_photos add column media_key uuid not null default gen_random_uuid();
create unique index report_photos_media_key_idx on public.report_photos (media_key);
comment on column public.report_photos.media_key is 'The public name of a photo (Open311 media_url): random, so photos cannot be enumerated.';

/*
 * -------------------------------------------------------
 * Section: Open311 reads (replaced: description and media only once reviewed)
 * -------------------------------------------------------
 */
drop function public.open311_requests(text[], public.report_category[], timestamptz, timestamptz, boolean, boolean, integer);
drop function public.open311_photo(bigint);

create function public.open311_requests(
  p_tickets text[], p_categories public.report_category[], p_from timestamptz, p_to timestamptz,
  p_open boolean, p_closed boolean, p_limit integer
) returns table (
  ticket text, category public.report_category, is_open boolean, description text, reply text, merged_into text,
  department_code text, unit_town_code text, town_code text, village_code text,
  requested_at timestamptz, updated_at timestamptz, expected_at timestamptz,
  lat double precision, lon double precision, media_key uuid
)
language sql stable security definer
set search_path = ''
as $$
  select r.ticket, r.category, r.status in ('received', 'dispatched', 'accepted'),
         case when r.reviewed_at is not null then r.description end,
         case when r.status = 'closed' then r.reply end,
         (select m.ticket from public.reports m where m.id = r.merged_into),
         r.department_code, r.unit_town_code, r.town_code, r.village_code,
         r.created_at,
         greatest(r.created_at, (select max(e.created_at) from public.report_events e where e.report_id = r.id and e.public)),
         case when r.status in ('dispatched', 'accepted') then r.due_at end,
         round(extensions.st_y(r.location)::numeric, 3)::double precision,
         round(extensions.st_x(r.location)::numeric, 3)::double precision,
         case when r.reviewed_at is not null then
           (select p.media_key from public.report_photos p
             where p.report_id = r.id and p.stage = 'report' and p.bytes is not null order by p.id limit 1) end
    from public.reports r
   where r.status <> 'hidden'
     and case when p_tickets is not null then r.ticket = any (p_tickets)
         else (p_categories is null or r.category = any (p_categories))
          and (p_from is null or r.created_at >= p_from)
          and (p_to is null or r.created_at <= p_to)
          and ((coalesce(p_open, true) and r.status in ('received', 'dispatched', 'accepted'))
            or (coalesce(p_closed, true) and r.status in ('closed', 'merged')))
         end
   order by r.created_at desc, r.id desc
   limit least(greatest(coalesce(p_limit, 1000), 0), 1000)
$$;
comment on function public.open311_requests(text[], public.report_category[], timestamptz, timestamptz, boolean, boolean, integer) is
  'Open311 GeoReport v2: public fields of reports (no personal data, no hidden reports, positions rounded to 0.001°; description and media only once reviewed), at most 1000.';

/** A report's own photo for media_url, by its random key: not redacted, report reviewed and not hidden. */
create function public.open311_media(p_key uuid)
returns table (content_type text, bytes bytea)
language sql stable security definer
set search_path = ''
as $$
  select p.content_type, p.bytes
    from public.report_photos p join public.reports r on r.id = p.report_id
   where p.media_key = p_key and p.stage = 'report' and p.bytes is not null
     and r.status <> 'hidden' and r.reviewed_at is not null
$$;
comment on function public.open311_media(uuid) is 'Open311 media_url: a reviewed report''s photo by its random key, unless redacted or the report hidden.';

revoke all on function public.open311_requests(text[], public.report_category[], timestamptz, timestamptz, boolean, boolean, integer),
  public.open311_media(uuid) from public;
grant execute on function public.open311_requests(text[], public.report_category[], timestamptz, timestamptz, boolean, boolean, integer),
  public.open311_media(uuid) to anon, authenticated, service_role;

/*
 * -------------------------------------------------------
 * Section: nearby check (replaced: rounded point, distances to 100 m, text once reviewed)
 * -------------------------------------------------------
 */
create or replace function public.reports_nearby(
  p_category public.report_category, p_lon double precision, p_lat double precision, p_village text,
  p_meters double precision default 500
) returns table (id bigint, ticket text, description text, created_at timestamptz, meters integer, supporters integer)
language sql stable security definer
set search_path = ''
as $$
  with here as (
    select case when p_lon is not null and p_lat is not null
                then extensions.st_setsrid(extensions.st_makepoint(p_lon, p_lat), 4326)::extensions.geography end as g
  )
  select r.id, r.ticket,
         case when r.reviewed_at is not null then left(r.description, 140) end,
         r.created_at,
         case when here.g is not null and r.location is not null
              then (round(extensions.st_distance(app.report_public_point(r.location), here.g) / 100) * 100)::integer end,
         (select count(*)::integer from public.report_people p where p.report_id = r.id and p.kind = 'supporter')
    from public.reports r, here
   where r.category = p_category and r.status in ('received', 'dispatched', 'accepted')
     and ((here.g is not null and r.location is not null
           and extensions.st_dwithin(app.report_public_point(r.location), here.g, least(greatest(p_meters, 10), 2000)))
       or (here.g is null and p_village is not null and r.village_code = p_village))
   order by r.created_at desc
   limit 5
$$;
comment on function public.reports_nearby(public.report_category, double precision, double precision, text, double precision) is
  'Open reports of a category near a point (measured from their rounded point, distances to 100 m) or in a village; text only once reviewed.';

-- Helpers run inside the functions above (and as a trigger); nobody calls them directly.
revoke all on function app.report_mark_reviewed(), app.report_public_point(extensions.geometry) from public;
