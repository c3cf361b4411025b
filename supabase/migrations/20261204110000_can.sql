/*
 * -------------------------------------------------------
 * Section: who may do what
 * One rule per action, in the database: RLS and triggers already decide by role, and
 * the server asks app.can(action) instead of comparing role names in TypeScript.
 * app.role_may(role, action) is the rule itself (no caller), so the console's early
 * guard (staffOnly) can be checked against it for every role in a test.
 * -------------------------------------------------------
 */
create or replace function app.role_may(p_role text, p_action text) returns boolean
language plpgsql immutable
set search_path = ''
as $$
begin
  return case p_action
    -- reference data, shelters, routing rules, the outbox, staff: admins only
    when 'administer' then p_role is not distinct from 'admin'
    -- drafting, approving and issuing warnings (the approval trigger adds two persons)
    when 'issue_warnings' then p_role in ('warning_issuer', 'admin')
    else app.unknown_action(p_action)
  end;
end;
$$;
comment on function app.role_may(text, text) is 'Whether a role may do an action: the one table of role rules the server asks (app.can) and checks staffOnly against.';

-- A mistyped action must fail loudly, never read as "no".
create or replace function app.unknown_action(p_action text) returns boolean
language plpgsql immutable
set search_path = ''
as $$
begin
  raise exception 'unknown action "%"', p_action using errcode = '22023';
end;
$$;

create or replace function app.can(p_action text) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select coalesce(app.role_may(app.caller_role(), p_action), false)
$$;
comment on function app.can(text) is 'Whether the caller of this transaction (staff or API key) may do an action.';

revoke all on function app.role_may(text, text), app.unknown_action(text), app.can(text) from public;
grant execute on function app.role_may(text, text), app.unknown_action(text), app.can(text) to authenticated, service_role;
