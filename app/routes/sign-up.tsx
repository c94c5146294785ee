import { getFormProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useNavigation, useSearchParams } from '@remix-run/react'
import { safeRedirect } from '../../server/auth/safe-redirect'
import { SignUpSchema } from '../../server/auth/schemas'
import { ErrorList, Field } from '../components/forms'
import { callerFor } from '../lib/caller.server'
import { replyWithError } from '../lib/form-errors.server'
import { forwardActionHeaders } from '../lib/headers'
import { getUser } from '../lib/session.server'

export const meta: MetaFunction = () => [{ title: 'Create your account · Event Wizard' }]

export const headers = forwardActionHeaders

export async function loader(args: LoaderFunctionArgs) {
  if (await getUser(args)) throw redirect(safeRedirect(new URL(args.request.url).searchParams.get('redirectTo'), args.context.app.config.APP_URL))
  return null
}

export async function action(args: ActionFunctionArgs) {
  const formData = await args.request.formData()
  const submission = parseWithZod(formData, { schema: SignUpSchema })
  if (submission.status !== 'success') return data(submission.reply({ hideFields: ['password'] }), { status: 400 })
  const resHeaders = new Headers()
  try {
    const result = await (await callerFor(args, resHeaders)).auth.signUp(submission.value)
    if (result.confirmationRequired) {
      return { ...submission.reply({ resetForm: true }), confirmationSentTo: result.user.email }
    }
  } catch (error) {
    return replyWithError(submission, error, ['password'])
  }
  return redirect(safeRedirect(formData.get('redirectTo'), args.context.app.config.APP_URL), { headers: resHeaders })
}

export default function SignUp() {
  const lastResult = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const busy = useNavigation().state === 'submitting'
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(SignUpSchema),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SignUpSchema }),
  })
  const confirmationSentTo = lastResult && 'confirmationSentTo' in lastResult ? lastResult.confirmationSentTo : null
  return (
    <main className="page page--narrow">
      <h1>Create your account</h1>
      {confirmationSentTo ? (
        <p className="notice" role="status">
          Check {confirmationSentTo} for a link to confirm your account, then sign in.
        </p>
      ) : null}
      <Form method="post" className="card stack" {...getFormProps(form)}>
        <input type="hidden" name="redirectTo" value={searchParams.get('redirectTo') ?? '/'} />
        <ErrorList id={form.errorId} errors={form.errors} />
        <Field label="E-mail" type="email" field={fields.email} autoComplete="email" />
        <Field label="Password" type="password" field={fields.password} hint="At least 10 characters, not a common password." autoComplete="new-password" />
        <div className="actions">
          <button type="submit" className="button button--primary" disabled={busy}>
            Create account
          </button>
        </div>
      </Form>
      <p>
        Already have an account? <Link to={`/sign-in?${searchParams}`}>Sign in</Link>
      </p>
    </main>
  )
}
