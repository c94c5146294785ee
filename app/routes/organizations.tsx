import { getFormProps, getSelectProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { ChangeRoleSchema, CreateOrganizationSchema, InviteMemberSchema, MemberSchema, OrganizationIdSchema } from '../../server/orgs/schemas'
import { ErrorList, Field } from '../components/forms'
import { stageTitles } from '../components/wizard/stage-titles'
import { callerFor } from '../lib/caller.server'
import { pickLocale } from '../lib/event-presentation'
import { eventStatusLabels } from '../lib/event-status'
import { procedureErrorReply, refusalOrThrow } from '../lib/form-errors.server'
import { forwardActionHeaders } from '../lib/headers'
import { dateTimeFormat } from '../lib/intl-formats'
import { requireUser } from '../lib/session.server'

export const meta: MetaFunction = () => [{ title: 'Organizations · Event Wizard' }]

export const headers = forwardActionHeaders

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args)
  const caller = await callerFor(args)
  const [{ organizations }, events, drafts] = await Promise.all([caller.auth.me(), caller.events.mine(), caller.wizard.list()])
  const locale = pickLocale(args.request.headers.get('accept-language'))
  // Each organization with its events, its unfinished wizards and its people (what the caller may change).
  const withMembers = await Promise.all(
    organizations.map(async (organization) => ({
      ...organization,
      events: events
        .filter((event) => event.organizationId === organization.id)
        .map((event) => ({
          id: event.id,
          title: event.title,
          statusLabel: eventStatusLabels[event.status] ?? event.status,
          startIso: event.startsAt.toISOString(),
          date: dateTimeFormat(locale, { dateStyle: 'medium', timeZone: event.timezone }).format(event.startsAt),
        })),
      drafts: drafts
        .filter((draft) => draft.organizationId === organization.id)
        .map((draft) => ({
          sessionId: draft.sessionId,
          title: draft.title?.trim() || 'Untitled event',
          href: `/wizard/${draft.sessionId}/${draft.currentStage}`,
          where: `${stageTitles[draft.currentStage].short}, ${draft.completionPercentage}% complete`,
        })),
      members: await caller.orgs.members({ organizationId: organization.id }),
    })),
  )
  return { organizations: withMembers }
}

/** What a member row's buttons and the "Leave" button ask, checked like every form. */
const MembershipIntent = z.discriminatedUnion('intent', [
  ChangeRoleSchema.extend({ intent: z.literal('role') }),
  MemberSchema.extend({ intent: z.literal('remove') }),
  OrganizationIdSchema.extend({ intent: z.literal('leave') }),
])

/** Changes a role, removes a member or leaves, through the procedures the typed API serves. */
async function changeMembership(caller: Awaited<ReturnType<typeof callerFor>>, formData: FormData) {
  const parsed = MembershipIntent.safeParse(Object.fromEntries(formData))
  const form = String(formData.get('organizationId'))
  if (!parsed.success) return data({ form, membershipError: parsed.error.issues[0]?.message ?? 'Choose a member.' }, { status: 400 })
  try {
    const input = parsed.data
    if (input.intent === 'role') await caller.orgs.changeRole({ organizationId: input.organizationId, userId: input.userId, role: input.role })
    else if (input.intent === 'remove') await caller.orgs.removeMember({ organizationId: input.organizationId, userId: input.userId })
    else await caller.orgs.leave({ organizationId: input.organizationId })
    return redirect('/organizations', 303)
  } catch (error) {
    const { message, status, headers } = refusalOrThrow(error)
    return data({ form, membershipError: message }, { status, headers })
  }
}

export async function action(args: ActionFunctionArgs) {
  await requireUser(args)
  const formData = await args.request.formData()
  const caller = await callerFor(args)
  if (['role', 'remove', 'leave'].includes(String(formData.get('intent')))) return changeMembership(caller, formData)
  if (formData.get('intent') === 'invite') {
    const submission = parseWithZod(formData, { schema: InviteMemberSchema })
    const form = String(formData.get('organizationId'))
    if (submission.status !== 'success') return data({ form, result: submission.reply() }, { status: 400 })
    try {
      const { email } = await caller.orgs.invite(submission.value)
      // The same words whether or not the e-mail has an account: the page must not tell.
      return { form, result: submission.reply({ resetForm: true }), sent: `Invitation sent to ${email}` }
    } catch (error) {
      const { result, init } = procedureErrorReply(submission, error)
      return data({ form, result }, init)
    }
  }
  const submission = parseWithZod(formData, { schema: CreateOrganizationSchema })
  if (submission.status !== 'success') return data({ form: 'create', result: submission.reply() }, { status: 400 })
  try {
    await caller.orgs.create(submission.value)
  } catch (error) {
    const { result, init } = procedureErrorReply(submission, error)
    return data({ form: 'create', result }, init)
  }
  return redirect('/organizations')
}

export default function Organizations() {
  const { organizations } = useLoaderData<typeof loader>()
  return (
    <main className="page page--narrow stack">
      <h1>Organizations</h1>
      <p>Plan events together: members see the organization's events and unfinished wizards.</p>
      {organizations.length === 0 ? <p>You do not belong to an organization yet.</p> : null}
      {organizations.map((organization) => (
        <section key={organization.id} className="card stack" aria-labelledby={`org-${organization.id}`}>
          <h2 id={`org-${organization.id}`}>
            {organization.name} <span className="badge">{organization.role}</span>
          </h2>
          <OrganizationEvents events={organization.events} drafts={organization.drafts} />
          <MemberList organizationId={organization.id} members={organization.members} yourRole={organization.role} />
          {organization.role === 'member' ? null : <InviteForm organizationId={organization.id} />}
        </section>
      ))}
      <CreateOrganizationForm />
    </main>
  )
}

function useFormResult(form: string) {
  const actionData = useActionData<typeof action>()
  return actionData?.form === form && 'result' in actionData ? actionData.result : undefined
}

function CreateOrganizationForm() {
  const [form, fields] = useForm({
    id: 'create-organization',
    lastResult: useFormResult('create'),
    constraint: getZodConstraint(CreateOrganizationSchema),
    shouldValidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CreateOrganizationSchema }),
  })
  return (
    <Form method="post" className="card stack" {...getFormProps(form)}>
      <h2>New organization</h2>
      <ErrorList id={form.errorId} errors={form.errors} />
      <Field label="Name" type="text" field={fields.name} />
      <div className="actions">
        <button type="submit" name="intent" value="create" className="button button--primary">
          Create organization
        </button>
      </div>
    </Form>
  )
}

function InviteForm({ organizationId }: { organizationId: string }) {
  const actionData = useActionData<typeof action>()
  const sent = actionData?.form === organizationId && 'sent' in actionData ? actionData.sent : undefined
  const [form, fields] = useForm({
    id: `invite-${organizationId}`,
    lastResult: useFormResult(organizationId),
    constraint: getZodConstraint(InviteMemberSchema),
    shouldValidate: 'onBlur',
    defaultValue: { organizationId, role: 'member' },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: InviteMemberSchema }),
  })
  return (
    <Form method="post" className="stack" {...getFormProps(form)}>
      <h3>Invite someone</h3>
      {sent ? (
        <p role="status" className="notice">
          {sent}
        </p>
      ) : null}
      <input type="hidden" name={fields.organizationId.name} value={organizationId} />
      <ErrorList id={form.errorId} errors={form.errors} />
      <Field label="Their e-mail" type="email" field={fields.email} />
      <div className="field">
        <label htmlFor={fields.role.id}>Role</label>
        <select {...getSelectProps(fields.role)} key={fields.role.key}>
          <option value="member">Member — sees and edits their own events</option>
          <option value="admin">Admin — also manages everyone's events and members</option>
        </select>
        <ErrorList id={fields.role.errorId} errors={fields.role.errors} />
      </div>
      <div className="actions">
        <button type="submit" name="intent" value="invite" className="button">
          Send invitation
        </button>
      </div>
    </Form>
  )
}

/** The organization's events (each to its organizer page) and the drafts its members have not finished. */
function OrganizationEvents({ events, drafts }: Pick<LoadedOrganization, 'events' | 'drafts'>) {
  return (
    <div className="stack">
      <h3>Events</h3>
      {events.length === 0 ? (
        <p className="hint">No published events yet.</p>
      ) : (
        <ul className="organization__list">
          {events.map((event) => (
            <li key={event.id}>
              <Link to={`/events/${event.id}`}>{event.title}</Link> <span className="badge">{event.statusLabel}</span>{' '}
              <time dateTime={event.startIso}>{event.date}</time>
            </li>
          ))}
        </ul>
      )}
      <h3>Drafts</h3>
      {drafts.length === 0 ? (
        <p className="hint">No unfinished wizards.</p>
      ) : (
        <ul className="organization__list">
          {drafts.map((draft) => (
            <li key={draft.sessionId}>
              <Link to={draft.href}>{draft.title}</Link> <span className="hint">{draft.where}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

const roleLabels = { owner: 'Owner', admin: 'Admin', member: 'Member' } as const

type LoadedOrganization = ReturnType<typeof useLoaderData<typeof loader>>['organizations'][number]

/**
 * The organization's people. Owners change anyone's role and remove anyone; admins do so for admins
 * and members; everyone may leave. The database keeps the last owner (the page shows why it refused).
 */
function MemberList({ organizationId, members, yourRole }: { organizationId: string; members: LoadedOrganization['members']; yourRole: string }) {
  const actionData = useActionData<typeof action>()
  const error = actionData?.form === organizationId && 'membershipError' in actionData ? actionData.membershipError : undefined
  const manages = (role: string) => yourRole === 'owner' || (yourRole === 'admin' && role !== 'owner')
  return (
    <div className="stack">
      <h3>Members</h3>
      {error ? (
        <p className="errors" role="alert">
          {error}
        </p>
      ) : null}
      <ul className="members">
        {members.map((member) => (
          <li key={member.userId} className="members__row">
            <span className="members__who">
              {member.email}
              {member.you ? ' (you)' : ''}
            </span>
            {manages(member.role) && !member.you ? (
              <Form method="post" className="members__actions" aria-label={`Change ${member.email}`}>
                <input type="hidden" name="organizationId" value={organizationId} />
                <input type="hidden" name="userId" value={member.userId} />
                <select name="role" defaultValue={member.role} aria-label={`Role of ${member.email}`}>
                  {(yourRole === 'owner' ? (['owner', 'admin', 'member'] as const) : (['admin', 'member'] as const)).map((role) => (
                    <option key={role} value={role}>
                      {roleLabels[role]}
                    </option>
                  ))}
                </select>
                <button type="submit" name="intent" value="role" className="button">
                  Change role
                </button>
                <button type="submit" name="intent" value="remove" className="button button--danger">
                  Remove
                </button>
              </Form>
            ) : (
              <span className="badge">{roleLabels[member.role]}</span>
            )}
          </li>
        ))}
      </ul>
      <Form method="post">
        <input type="hidden" name="organizationId" value={organizationId} />
        <button type="submit" name="intent" value="leave" className="button">
          Leave organization
        </button>
      </Form>
    </div>
  )
}
