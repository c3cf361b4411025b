/**
 * Two-person approval that holds for every caller, not only this server (issue 14, item 2).
 *
 * A direct database caller (Supabase REST as `authenticated`, any role-switched
 * connection) could insert a warning already `issued` with a made-up `approved_by`, or
 * record an "approval" on a draft and change the text afterwards. Now:
 *   - only an API key or service_role creates a row that is `issued` at once; for anyone
 *     else a new row starts without an approval;
 *   - `approved_by` is a staff member (foreign key);
 *   - every change of a warning's content (its fields or its texts) raises `revision`,
 *     and an approval names the revision it approves: issuing needs
 *     approved_revision = revision, so content changed after review is not issued on an
 *     old approval;
 *   - an approval is recorded only by the step that issues a pending warning, and goes
 *     when the warning goes back to draft;
 *   - an API key is exempt from the second person only for the messages it drafted
 *     itself (an upstream platform approved them), never for a console draft;
 *   - at commit, an issued message has its text in at least one language.
 * The rules are a trigger of their own (fired after app.warnings_guard, by name), so the
 * life-cycle guard is not replaced here.
 */

alter table public.warnings
  add column revision integer not null default 1 check (revision >= 1),
  add column approved_revision integer;
comment on column public.warnings.revision is 'Content version: raised by every change of the fields or texts of the message.';
comment on column public.warnings.approved_revision is 'The revision the approver reviewed; issuing needs it to equal revision.';

-- Approvals recorded before this rule that name nobody on the staff cannot stand.
update public.warnings w set approved_by = null
 where w.approved_by is not null and not exists (select from public.staff s where s.user_id = w.approved_by);
update public.warnings set approved_revision = revision where approved_by is not null;
alter table public.warnings
  add constraint warnings_approved_by_staff foreign key (approved_by) references public.staff (user_id);

create or replace function app.warnings_approval_guard() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_service boolean := auth.role() is not distinct from 'service_role';
  v_machine boolean := coalesce((auth.jwt() ->> 'api_key')::boolean, false) and app.caller_role() is not null;
  v_changed boolean;
begin
  if v_service then
    return new;
  end if;

  if tg_op = 'INSERT' then
    if new.state = 'issued' and not v_machine then
      raise exception 'a warning is created as a draft: only an API key or the service may create it issued'
        using errcode = '42501';
    end if;
    new.approved_by := null;
    new.approved_revision := null;
    new.revision := 1;
    return new;
  end if;

  -- Any change of the content, or any attempt to set the revision, is one new revision.
  v_changed := new.revision is distinct from old.revision
    or (new.status, new.msg_type, new.references_id, new.hazard, new.level, new.urgency, new.certainty,
        new.response_type, new.effective, new.onset, new.expires, new.web, new.contact, new.parameters,
        new.areas, extensions.st_asewkb(new.area), new.identifier, new.sender)
       is distinct from
       (old.status, old.msg_type, old.references_id, old.hazard, old.level, old.urgency, old.certainty,
        old.response_type, old.effective, old.onset, old.expires, old.web, old.contact, old.parameters,
        old.areas, extensions.st_asewkb(old.area), old.identifier, old.sender);
  new.revision := old.revision + case when v_changed then 1 else 0 end;

  if (new.approved_by, new.approved_revision) is distinct from (old.approved_by, old.approved_revision) then
    if not (old.state = 'pending' and new.state = 'issued') then
      raise exception 'an approval is recorded only by issuing a pending warning' using errcode = '42501';
    end if;
    if new.approved_by is distinct from auth.uid() then
      raise exception 'only the approver records their own approval' using errcode = '42501';
    end if;
  end if;
  if new.state = 'draft' then
    new.approved_by := null;
    new.approved_revision := null;
  end if;

  if new.state = 'issued' and old.state <> 'issued'
     and app.warning_needs_approval(new.status, new.msg_type, new.level)
     and not (v_machine and new.drafted_by is not distinct from auth.uid()) then
    if new.approved_by is null or new.approved_by is not distinct from new.drafted_by
       or not exists (select from public.staff s
                       where s.user_id = new.approved_by and s.active and s.role in ('warning_issuer', 'admin')) then
      raise exception 'an Actual orange or red warning needs approval by a second issuer or admin' using errcode = '42501';
    end if;
    if new.approved_revision is distinct from new.revision then
      raise exception 'the approval names version % but the warning is at version %: review it again',
        coalesce(new.approved_revision::text, 'none'), new.revision using errcode = '42501';
    end if;
  end if;
  return new;
end;
$$;
comment on function app.warnings_approval_guard() is 'Two-person approval for direct database callers: no issued inserts by people, approvals bound to a revision.';
create trigger warnings_guard_approval before insert or update on public.warnings
  for each row execute function app.warnings_approval_guard();

-- A change of a text is a change of the warning: a new revision (the update runs the guards).
create or replace function app.warning_infos_revision() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  update public.warnings w set revision = w.revision + 1
   where w.id = coalesce(new.warning_id, old.warning_id) and w.state = 'draft';
  return null;
end;
$$;
create trigger warning_infos_revision after insert or update or delete on public.warning_infos
  for each row execute function app.warning_infos_revision();

-- At commit: nothing goes out without text (a row inserted issued can have none yet).
create or replace function app.warnings_have_text() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if exists (select from public.warnings w where w.id = new.id and w.state = 'issued')
     and not exists (select from public.warning_infos i where i.warning_id = new.id) then
    raise exception 'info: a warning needs its text in at least one language' using errcode = '22023';
  end if;
  return null;
end;
$$;
create constraint trigger warnings_have_text after insert or update of state on public.warnings
  deferrable initially deferred
  for each row when (new.state = 'issued') execute function app.warnings_have_text();
