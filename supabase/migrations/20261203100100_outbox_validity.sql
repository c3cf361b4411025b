/**
 * The outbox keeps no sign-in codes and sends nothing stale (issue 14 item 4, issue 13 item 8).
 *
 * - A one-time code is never kept in clear: with an SMS gateway the code goes to the
 *   gateway and the outbox row says "code sent"; without one, the code is kept only on the
 *   embedded default with demo data (`demo`, shown marked as demo). A check refuses a code
 *   in any other row.
 * - Every message has a validity (`expires_at`): codes 10 minutes, event messages until the
 *   event starts, a warning text while its warning is in force (`warning_id`), anything
 *   else a day. A message past it is never sent (turning a gateway on later sends only
 *   what is still true) and shows as expired in the console.
 */

alter table public.outbox_messages
  add column expires_at timestamptz,
  add column warning_id uuid references public.warnings (id) on delete cascade,
  add column demo boolean not null default false,
  add column expired_at timestamptz;
comment on column public.outbox_messages.expires_at is 'Validity: never sent after this (codes 10 min, event messages until the event starts, else a day).';
comment on column public.outbox_messages.warning_id is 'For a warning text: valid only while this warning message is in force.';
comment on column public.outbox_messages.demo is 'Kept for the demo (embedded default with demo data): may show a one-time code, marked as demo.';
comment on column public.outbox_messages.expired_at is 'When the sender found the message stale and gave it up.';

-- Codes already kept in clear go; old messages get the validity they would have had.
update public.outbox_messages set params = params - 'code' where template = 'sign_in_code';
update public.outbox_messages
   set params = jsonb_build_object('text', regexp_replace(params ->> 'text', '[0-9]{6}', '······', 'g'))
 where template = 'text' and (params ->> 'text' like '%验证码%' or params ->> 'text' ilike '%code%');
update public.outbox_messages
   set expires_at = created_at + case when template = 'sign_in_code' then interval '10 minutes' else interval '1 day' end;
alter table public.outbox_messages
  alter column expires_at set default now() + interval '1 day',
  alter column expires_at set not null,
  add constraint outbox_codes_not_kept
    check (template not in ('sign_in_code', 'subscription_code') or not (params ? 'code') or demo);
create index outbox_messages_waiting_idx on public.outbox_messages (id)
  where delivered_at is null and expired_at is null;

-- A message about an event is worth nothing once the event has started.
create or replace function app.outbox_validity() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.params ? 'starts_at' and jsonb_typeof(new.params -> 'starts_at') = 'string' then
    new.expires_at := least(new.expires_at, (new.params ->> 'starts_at')::timestamptz);
  end if;
  return new;
end;
$$;
create trigger outbox_validity before insert on public.outbox_messages
  for each row execute function app.outbox_validity();

/**
 * What became of a message: 'sent', 'expired' (past its validity, or its warning is no
 * longer in force) or 'waiting'. One rule for the sender and the console.
 */
create or replace function app.outbox_state(m public.outbox_messages) returns text
language sql stable security definer
set search_path = ''
as $$
  select case
    when m.delivered_at is not null then 'sent'
    when m.expired_at is not null or m.expires_at <= now() then 'expired'
    when m.warning_id is not null and not exists (
      select from public.warnings w
       where w.id = m.warning_id and w.state = 'issued' and w.expires > now()) then 'expired'
    else 'waiting'
  end
$$;
revoke all on function app.outbox_state(public.outbox_messages) from public;
grant execute on function app.outbox_state(public.outbox_messages) to authenticated, service_role;
