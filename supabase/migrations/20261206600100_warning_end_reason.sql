/*
 * =======================================================
 * Ending a warning takes a reason; a waiting warning says who may approve it
 * (outside findings, 2026-12-04 night).
 *
 * - `note` is CAP's alert/note: for a Cancel, why the warning was lifted. The console
 *   asks for it in a confirmation step; it is stored on the Cancel message, shown in the
 *   warning's history and exported in the Cancel's CAP document. A Cancel written by a
 *   person or an API key (drafted_by set) without one is refused here too; background
 *   work as the service role (no person to ask) is not. NOT VALID: Cancels sent before
 *   this rule keep their rows.
 *   Imported Cancels carry the upstream platform's note when it sent one.
 * - app.warning_may_approve(staff, author) is the approver rule of the approval guard
 *   (20261203100000_warning_approval.sql: an active issuer or admin who is not the
 *   author), as a function so the console's "waiting for you" list and a waiting
 *   warning's "who may approve" read it rather than copy it.
 * =======================================================
 */
alter table public.warnings add column note text check (note is null or length(note) between 1 and 500);
comment on column public.warnings.note is 'CAP alert/note: for a Cancel, why the warning was lifted (required from the console).';
alter table public.warnings add constraint warnings_console_cancel_note
  check (msg_type <> 'Cancel' or source <> 'console' or drafted_by is null or note is not null) not valid;

create or replace function app.warning_may_approve(p_staff public.staff, p_author uuid)
returns boolean
language sql stable
set search_path = ''
as $$
  select p_staff.active and p_staff.role in ('warning_issuer', 'admin') and p_staff.user_id is distinct from p_author
$$;
comment on function app.warning_may_approve(public.staff, uuid) is
  'Whether a staff member may approve a warning by this author: active, issuer or admin, not the author (the approval guard''s rule).';

-- Who may approve a waiting warning: names only, for issuers and admins (staff data).
create or replace function app.warning_approvers(p_warning uuid)
returns table (label text)
language plpgsql stable security definer
set search_path = ''
as $$
begin
  if app.caller_role() is distinct from 'warning_issuer' and app.caller_role() is distinct from 'admin' then
    raise exception 'only warning issuers and admins see who may approve a warning' using errcode = '42501';
  end if;
  return query
    select coalesce(s.display_name, s.email)
      from public.warnings w
      join public.staff s on app.warning_may_approve(s, w.drafted_by)
     where w.id = p_warning and w.state = 'pending'
     order by s.role, coalesce(s.display_name, s.email);
end;
$$;
comment on function app.warning_approvers(uuid) is 'The staff who may approve a waiting warning (names), for issuers and admins.';
revoke execute on function app.warning_approvers(uuid) from public, anon;
grant execute on function app.warning_approvers(uuid) to authenticated, service_role;
revoke execute on function app.warning_may_approve(public.staff, uuid) from public, anon;
grant execute on function app.warning_may_approve(public.staff, uuid) to authenticated, service_role;
