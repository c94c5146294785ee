import { getFormProps, getSelectProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { InviteMemberSchema, CreateOrganizationSchema } from '../../server/orgs/schemas'
import { ErrorList, Field } from '../components/forms'
import { callerFor } from '../lib/caller.server'
import { forwardActionHeaders } from '../lib/headers'
import { procedureErrorReply } from '../lib/form-errors.server'
import { requireUser } from '../lib/session.server'

export const meta: MetaFunction = () => [{ title: 'Organizations · Event Wizard' }]

export const headers = forwardActionHeaders

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args)
  const { organizations } = await (await callerFor(args)).auth.me()
  return { organizations }
}

export async function action(args: ActionFunctionArgs) {
  await requireUser(args)
  const formData = await args.request.formData()
  const caller = await callerFor(args)
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
          {organization.role === 'member' ? null : <InviteForm organizationId={organization.id} />}
        </section>
      ))}
      <CreateOrganizationForm />
    </main>
  )
}

function useFormResult(form: string) {
  const actionData = useActionData<typeof action>()
  return actionData?.form === form ? actionData.result : undefined
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
