/*
 * =======================================================
 * A relative's lookup shows a "safe" only when it came from the number itself (an outside
 * tester's finding: POST /safe?/safe with someone else's number and share=1 was accepted
 * without proof of the number, and the lookup then told anyone "safe, shelter, 05:41" —
 * a false "safe" for a missing person is dangerous). A web mark proves nothing about the
 * number typed into it: it is kept for staff, beside the roll (forRoll shows its channel),
 * and never shown by the lookup. An SMS reply is from the carrier's sender number. The
 * latest mark decides: when it is an unconfirmed web mark the lookup says nothing (a
 * spoofer can at most hide a "safe", never make one). Same body as
 * 20261205030100_safety_marks.sql otherwise.
 * =======================================================
 */

create or replace function public.safety_lookup(p_phone text, p_client text)
returns table (answer text, marked_at timestamptz, place public.safety_place, channel text, retry_after integer)
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_phone text := app.phone_key(p_phone);
  v_client text := left(coalesce(nullif(p_client, ''), 'unknown'), 128);
  v_number text := md5(coalesce(v_phone, left(coalesce(p_phone, ''), 40)));
  v_oldest timestamptz;
  m public.safety_marks;
begin
  -- One lookup at a time district-wide: the counts are exact, and it is a cheap query.
  perform pg_advisory_xact_lock(hashtext('public.safety_lookup'));
  delete from public.safety_lookups where at < now() - interval '1 hour';
  select max(l.at) into v_oldest from (
    (select at from public.safety_lookups where client = v_client order by at desc offset 4 limit 1)
    union all (select at from public.safety_lookups where number = v_number order by at desc offset 9 limit 1)
    union all (select at from public.safety_lookups order by at desc offset 599 limit 1)) l;
  if v_oldest is not null then
    answer := 'limited';
    retry_after := greatest(1, ceil(extract(epoch from v_oldest + interval '1 hour' - now()))::integer);
    return next;
    return;
  end if;
  insert into public.safety_lookups (client, number) values (v_client, v_number);
  answer := 'none';
  if v_phone is not null then
    select s.* into m from public.safety_marks s where s.phone_key = v_phone order by s.created_at desc, s.id desc limit 1;
    if m.id is not null and m.status = 'safe' and m.share and m.channel = 'sms' then
      answer := 'safe'; marked_at := m.created_at; place := m.place; channel := m.channel;
    end if;
  end if;
  return next;
end;
$$;
