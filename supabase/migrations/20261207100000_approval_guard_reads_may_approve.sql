/*
 * =======================================================
 * The approval guard reads the approver rule from one place
 * =======================================================
 * app.warnings_approval_guard (20261203100000_warning_approval.sql) kept its own copy of
 * who may approve (an active issuer or admin who is not the author), while the console's
 * "waiting for you" list and "who may approve" read app.warning_may_approve
 * (20261206600100_warning_end_reason.sql). Two copies drift; the trigger now calls the
 * function. Same rule, same refusals; only the place it is written changes.
 * =======================================================
 */
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
    -- the approver rule lives in app.warning_may_approve (the console's lists read it too)
    if new.approved_by is null
       or not exists (select from public.staff s
                       where s.user_id = new.approved_by and app.warning_may_approve(s, new.drafted_by)) then
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
comment on function app.warnings_approval_guard() is 'Two-person approval for direct database callers: no issued inserts by people, approvals bound to a revision; the approver rule is app.warning_may_approve.';
