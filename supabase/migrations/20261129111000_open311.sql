/**
 * Open311 GeoReport v2 (/open311/v2/): what anyone may read of hazard reports.
 *
 * Anon still has no grant on any report table. These security definer functions give
 * the public fields only — never report_people (names, phones), never hidden reports,
 * never a redacted photo, never the resident's free-text address. Positions are
 * rounded to 0.001° (about 100 m): the public /report page shows no coordinates, only
 * how far an open report is from a point the visitor gives, so a rounded position says
 * no more than it does. Filing goes through public.report_submit like every report.
 */

/**
 * Service requests for GET requests / requests/{id}. p_tickets, when given, overrides
 * every other filter (as the spec says for service_request_id); null filters mean "any".
 * Open = received, dispatched or accepted; closed = closed or merged into another report.
 */
create or replace function public.open311_requests(
  p_tickets text[], p_categories public.report_category[], p_from timestamptz, p_to timestamptz,
  p_open boolean, p_closed boolean, p_limit integer
) returns table (
  ticket text, category public.report_category, is_open boolean, description text, reply text, merged_into text,
  department_code text, unit_town_code text, town_code text, village_code text,
  requested_at timestamptz, updated_at timestamptz, expected_at timestamptz,
  lat double precision, lon double precision, photo_id bigint
)
language sql stable security definer
set search_path = ''
as $$
  select r.ticket, r.category, r.status in ('received', 'dispatched', 'accepted'), r.description,
         case when r.status = 'closed' then r.reply end,
         (select m.ticket from public.reports m where m.id = r.merged_into),
         r.department_code, r.unit_town_code, r.town_code, r.village_code,
         r.created_at,
         greatest(r.created_at, (select max(e.created_at) from public.report_events e where e.report_id = r.id and e.public)),
         case when r.status in ('dispatched', 'accepted') then r.due_at end,
         round(extensions.st_y(r.location)::numeric, 3)::double precision,
         round(extensions.st_x(r.location)::numeric, 3)::double precision,
         (select min(p.id) from public.report_photos p where p.report_id = r.id and p.stage = 'report' and p.bytes is not null)
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
  'Open311 GeoReport v2: public fields of reports (no personal data, no hidden reports, positions rounded to 0.001°), at most 1000.';

/** A report's own photo for media_url: never a redacted one, never one of a hidden report. */
create or replace function public.open311_photo(p_photo bigint)
returns table (content_type text, bytes bytea)
language sql stable security definer
set search_path = ''
as $$
  select p.content_type, p.bytes
    from public.report_photos p join public.reports r on r.id = p.report_id
   where p.id = p_photo and p.stage = 'report' and p.bytes is not null and r.status <> 'hidden'
$$;
comment on function public.open311_photo(bigint) is 'Open311 media_url: a report photo unless redacted or its report hidden.';

revoke all on function public.open311_requests(text[], public.report_category[], timestamptz, timestamptz, boolean, boolean, integer),
  public.open311_photo(bigint) from public;
grant execute on function public.open311_requests(text[], public.report_category[], timestamptz, timestamptz, boolean, boolean, integer),
  public.open311_photo(bigint) to anon, authenticated, service_role;
