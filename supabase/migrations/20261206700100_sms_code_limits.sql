/*
 * -------------------------------------------------------
 * Limits on SMS codes for warning sign-ups (fixes-b, 2026-12-04 night)
 * -------------------------------------------------------
 * The first code asked for a new number was refused for 53 minutes (an outside tester's
 * finding): the limit was 3 an hour per client address, in process memory, and Chinese
 * carriers put a whole township behind one address (CGNAT), so three sign-ups at a village
 * meeting locked out everyone else there for an hour. The rule is now here, one place for
 * every server process, as for a relative's lookup (public.safety_lookup):
 * - per number: 3 codes an hour, and 60 s between two (a stranger's phone is not flooded);
 * - per client address: 60 an hour (a village sign-up evening behind one carrier address);
 * - district-wide: 2,000 an hour (what the district pays for texts in the worst hour).
 * Counted under one advisory lock, so the counts are exact across processes.
 * No raw number and no raw address is kept: number = md5 of the normalised number, client =
 * the server's hash of the address. Rows older than an hour are dropped on each call.
 */
create table public.sms_code_requests (
  number text not null,
  client text not null,
  at timestamptz not null default now()
);
comment on table public.sms_code_requests is 'Recent SMS code requests of warning sign-ups (the last hour) for their limits: number = md5 of the normalised number, client = the server''s hash of the address.';
create index sms_code_requests_at_idx on public.sms_code_requests (at);
create index sms_code_requests_number_idx on public.sms_code_requests (number, at);
create index sms_code_requests_client_idx on public.sms_code_requests (client, at);
alter table public.sms_code_requests enable row level security;
revoke all on public.sms_code_requests from anon, authenticated;
grant all on public.sms_code_requests to service_role;

/**
 * Seconds to wait before a code may be texted to p_phone for p_client, or 0 — then the
 * request is counted. Called by the server as service_role only: a caller through the REST
 * API could otherwise spend the district-wide budget without anything being sent.
 */
create or replace function public.sms_code_wait(p_phone text, p_client text)
returns integer
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_number text := md5(coalesce(app.phone_key(p_phone), left(coalesce(p_phone, ''), 40)));
  v_client text := left(coalesce(nullif(p_client, ''), 'unknown'), 128);
  v_free_at timestamptz;
begin
  perform pg_advisory_xact_lock(hashtext('public.sms_code_wait'));
  delete from public.sms_code_requests where at < now() - interval '1 hour';
  select max(x.free_at) into v_free_at from (
    (select at + interval '1 hour' as free_at from public.sms_code_requests where number = v_number order by at desc offset 2 limit 1)
    union all (select max(at) + interval '60 seconds' from public.sms_code_requests where number = v_number)
    union all (select at + interval '1 hour' from public.sms_code_requests where client = v_client order by at desc offset 59 limit 1)
    union all (select at + interval '1 hour' from public.sms_code_requests order by at desc offset 1999 limit 1)) x
   where x.free_at > now();
  if v_free_at is not null then
    return greatest(1, ceil(extract(epoch from v_free_at - now()))::integer);
  end if;
  insert into public.sms_code_requests (number, client) values (v_number, v_client);
  return 0;
end;
$$;
comment on function public.sms_code_wait(text, text) is 'SMS codes of warning sign-ups: 3/hour and one a minute per number, 60/hour per client address, 2,000/hour district-wide; the seconds to wait, or 0 and counted.';
revoke all on function public.sms_code_wait(text, text) from public, anon, authenticated;
grant execute on function public.sms_code_wait(text, text) to service_role;
