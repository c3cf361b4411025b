/*
 * -------------------------------------------------------
 * Section: the assistant's conversations
 * One row per conversation (web page, API client or WeChat user), keyed by the hash
 * of an unguessable token the client holds. RLS is on and no policy grants anything:
 * callers reach a conversation only through the functions below, and only with its
 * token. Conversations expire (a report dialogue left half-way is forgotten).
 * -------------------------------------------------------
 */
create table app_private.assistant_conversations (
  token_hash text primary key,
  channel text not null check (channel in ('web', 'wechat')),
  state jsonb not null check (octet_length(state::text) <= 3000000),
  updated_at timestamptz not null default now(),
  expires_at timestamptz not null
);
comment on table app_private.assistant_conversations is 'Assistant dialogue state per conversation token (hashed), with an expiry; reached only through assistant_load/assistant_save.';
create index assistant_conversations_expiry_idx on app_private.assistant_conversations (expires_at);

create table app_private.wechat_messages (
  msg_id text primary key,
  reply text,
  received_at timestamptz not null default now()
);
comment on table app_private.wechat_messages is 'WeChat MsgIds already answered, with the reply: the platform retries a message up to three times, and each is answered once.';
create index wechat_messages_received_idx on app_private.wechat_messages (received_at);

alter table app_private.assistant_conversations enable row level security;
alter table app_private.wechat_messages enable row level security;
grant all on app_private.assistant_conversations, app_private.wechat_messages to service_role;

create or replace function app.assistant_token_ok(p_token text) returns boolean
language sql immutable
set search_path = ''
as $$ select p_token is not null and p_token ~ '^[A-Za-z0-9_-]{32,128}$' $$;

/** The state of a live conversation, or null (unknown, malformed or expired token). */
create or replace function public.assistant_load(p_token text) returns jsonb
language sql stable security definer
set search_path = ''
as $$
  select c.state from app_private.assistant_conversations c
   where app.assistant_token_ok(p_token)
     and c.token_hash = app.report_token_hash(p_token) and c.expires_at > now()
$$;

/** Saves a conversation's state for p_minutes more; sweeps expired conversations on the way. */
create or replace function public.assistant_save(p_token text, p_channel text, p_state jsonb, p_minutes integer)
returns void
language plpgsql volatile security definer
set search_path = ''
as $$
begin
  if not app.assistant_token_ok(p_token) then
    raise exception 'conversation token must be 32-128 url-safe characters' using errcode = '22023';
  end if;
  if p_minutes is null or p_minutes not between 1 and 1440 then
    raise exception 'expiry must be 1-1440 minutes' using errcode = '22023';
  end if;
  delete from app_private.assistant_conversations where expires_at < now() - interval '1 hour';
  insert into app_private.assistant_conversations (token_hash, channel, state, expires_at)
  values (app.report_token_hash(p_token), p_channel, p_state, now() + make_interval(mins => p_minutes))
  on conflict (token_hash) do update
    set state = excluded.state, updated_at = now(), expires_at = excluded.expires_at;
end;
$$;

/**
 * Claims a WeChat MsgId. Returns (true, null) the first time; after that (false, the
 * reply stored by the first answer — null while it is still being worked out).
 */
create or replace function public.wechat_claim(p_msg_id text) returns table (first boolean, reply text)
language plpgsql volatile security definer
set search_path = ''
as $$
begin
  if p_msg_id is null or p_msg_id !~ '^[A-Za-z0-9_:-]{1,80}$' then
    raise exception 'MsgId must be 1-80 letters or digits' using errcode = '22023';
  end if;
  delete from app_private.wechat_messages where received_at < now() - interval '1 day';
  insert into app_private.wechat_messages (msg_id) values (p_msg_id) on conflict do nothing;
  if found then
    return query select true, null::text;
  else
    return query select false, m.reply from app_private.wechat_messages m where m.msg_id = p_msg_id;
  end if;
end;
$$;

create or replace function public.wechat_answered(p_msg_id text, p_reply text) returns void
language sql volatile security definer
set search_path = ''
as $$
  update app_private.wechat_messages set reply = left(p_reply, 20000) where msg_id = p_msg_id and reply is null
$$;

revoke all on function public.assistant_load(text), public.assistant_save(text, text, jsonb, integer),
  public.wechat_claim(text), public.wechat_answered(text, text) from public;
grant execute on function public.assistant_load(text), public.assistant_save(text, text, jsonb, integer)
  to anon, authenticated, service_role;
-- Only the /wechat endpoint (after checking the platform's signature) claims messages.
grant execute on function public.wechat_claim(text), public.wechat_answered(text, text) to anon, service_role;
