import { getFormProps, getSelectProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { AddMemberSchema, CreateOrganizationSchema } from '../../server/orgs/schemas'
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
  if (formData.get('intent') === 'add-member') {
    const submission = parseWithZod(formData, { schema: AddMemberSchema })
    const form = String(formData.get('organizationId'))
    if (submission.status !== 'success') return data({ form, result: submission.reply() }, { status: 400 })
    try {
      await caller.orgs.addMember(submission.value)
    } catch (error) {
      const { result, init } = procedureErrorReply(submission, error)
      return data({ form, result }, init)
    }
    return redirect('/organizations')
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
          {organization.role === 'member' ? null : <AddMemberForm organizationId={organization.id} />}
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

function AddMemberForm({ organizationId }: { organizationId: string }) {
  const [form, fields] = useForm({
    id: `add-member-${organizationId}`,
    lastResult: useFormResult(organizationId),
    constraint: getZodConstraint(AddMemberSchema),
    shouldValidate: 'onBlur',
    defaultValue: { organizationId, role: 'member' },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AddMemberSchema }),
  })
  return (
    <Form method="post" className="stack" {...getFormProps(form)}>
      <h3>Add a member</h3>
      <input type="hidden" name={fields.organizationId.name} value={organizationId} />
      <ErrorList id={form.errorId} errors={form.errors} />
      <Field label="Their e-mail (an existing account)" type="email" field={fields.email} />
      <div className="field">
        <label htmlFor={fields.role.id}>Role</label>
        <select {...getSelectProps(fields.role)} key={fields.role.key}>
          <option value="member">Member — sees and edits their own events</option>
          <option value="admin">Admin — also manages everyone's events and members</option>
        </select>
        <ErrorList id={fields.role.errorId} errors={fields.role.errors} />
      </div>
      <div className="actions">
        <button type="submit" name="intent" value="add-member" className="button">
          Add member
        </button>
      </div>
    </Form>
  )
}
