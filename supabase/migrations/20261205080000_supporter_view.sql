/*
 * =======================================================
 * A supporter ("我也遇到了 / me too") follows a report with a tracking token of their own
 * (20261205040100). That token showed them what only the reporter and the desk may see
 * before the desk has looked at the report: the description, the address and the photos
 * — which the nearby card hides until review, and which may name people. Anyone could
 * join an open report, so this read every unreviewed report in the district (an outside
 * tester found it). Now a supporter sees those only once the report is reviewed, as
 * everyone does on the nearby card; the reporter sees them always.
 * =======================================================
 */

create or replace function public.report_track(p_token text)
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
  select r.id, r.ticket, r.category,
         case when r.token_hash = app.report_token_hash(p_token) or r.reviewed_at is not null then r.description end,
         r.town_code, r.village_code,
         case when r.token_hash = app.report_token_hash(p_token) or r.reviewed_at is not null then r.address end,
         r.status,
         r.department_code, r.unit_town_code, r.created_at, r.due_at, r.closed_at, r.reply, r.rating,
         r.reopened_at is not null,
         (select count(*)::integer from public.report_people p where p.report_id = r.id and p.kind = 'supporter'),
         (r.status in ('dispatched', 'accepted') and r.due_at < now()) or (r.status = 'received' and r.dispatch_due_at < now()),
         r.dispatch_due_at, r.accept_due_at, r.auto_dispatched_at is not null,
         r.token_hash = app.report_token_hash(p_token)
    from public.reports r
   where r.id = app.report_by_token(p_token) and r.status <> 'hidden'
$$;

create or replace function public.report_track_photo(p_token text, p_photo bigint)
returns table (content_type text, bytes bytea)
language sql stable security definer
set search_path = ''
as $$
  select p.content_type, p.bytes
    from public.report_photos p join public.reports r on r.id = p.report_id
   where r.id = app.report_by_token(p_token) and p.id = p_photo and p.bytes is not null
     and (r.token_hash = app.report_token_hash(p_token) or r.reviewed_at is not null)
$$;

create or replace function public.report_track_photos(p_token text)
returns table (id bigint, stage text, width integer, height integer)
language sql stable security definer
set search_path = ''
as $$
  select p.id, p.stage, p.width, p.height
    from public.report_photos p join public.reports r on r.id = p.report_id
   where r.id = app.report_by_token(p_token) and p.bytes is not null
     and (r.token_hash = app.report_token_hash(p_token) or r.reviewed_at is not null)
   order by p.id
$$;
