import { getFormProps, type Submission, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react'
import type { z } from 'zod'
import { safeRedirect } from '../../server/auth/safe-redirect'
import { MagicLinkSchema, SignInSchema } from '../../server/auth/schemas'
import { ErrorList, Field } from '../components/forms'
import { callerFor } from '../lib/caller.server'
import { replyWithError } from '../lib/form-errors.server'
import { forwardActionHeaders } from '../lib/headers'
import { getUser } from '../lib/session.server'

export const meta: MetaFunction = () => [{ title: 'Sign in · Event Wizard' }]

export const headers = forwardActionHeaders

export async function loader(args: LoaderFunctionArgs) {
  const redirectTo = safeRedirect(new URL(args.request.url).searchParams.get('redirectTo'), args.context.app.config.APP_URL)
  if (await getUser(args)) throw redirect(redirectTo)
  return { signInLinks: args.context.app.config.AUTH_MODE === 'supabase' }
}

export async function action(args: ActionFunctionArgs) {
  const formData = await args.request.formData()
  const redirectTo = safeRedirect(formData.get('redirectTo'), args.context.app.config.APP_URL)
  const resHeaders = new Headers()
  const caller = await callerFor(args, resHeaders)

  if (formData.get('intent') === 'link') {
    const submission = parseWithZod(formData, { schema: MagicLinkSchema })
    if (submission.status !== 'success') return data(submission.reply(), { status: 400 })
    try {
      await caller.auth.sendSignInLink(submission.value)
    } catch (error) {
      return replyWithError(submission, error)
    }
    // The PKCE code verifier travels in a cookie: the link only works in this browser.
    return data({ ...submission.reply({ resetForm: true }), linkSentTo: submission.value.email }, { headers: resHeaders })
  }

  const submission = parseWithZod(formData, { schema: SignInSchema })
  if (submission.status !== 'success') return data(submission.reply({ hideFields: ['password'] }), { status: 400 })
  try {
    await caller.auth.signIn(submission.value)
  } catch (error) {
    return replyWithError(submission, error, ['password'])
  }
  return redirect(redirectTo, { headers: resHeaders })
}

export default function SignIn() {
  const { signInLinks } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const busy = useNavigation().state === 'submitting'
  const [form, fields] = useForm<z.input<typeof SignInSchema>>({
    lastResult,
    constraint: getZodConstraint(SignInSchema),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    // "E-mail me a link" needs only the e-mail; its result is read for that field alone.
    onValidate: ({ formData }) =>
      formData.get('intent') === 'link'
        ? (parseWithZod(formData, { schema: MagicLinkSchema }) as unknown as Submission<z.input<typeof SignInSchema>>)
        : parseWithZod(formData, { schema: SignInSchema }),
  })
  const linkSentTo = lastResult && 'linkSentTo' in lastResult ? String(lastResult.linkSentTo) : null
  return (
    <main className="page page--narrow">
      <h1>Sign in</h1>
      {linkSentTo ? (
        <p className="notice" role="status">
          We sent a sign-in link to {linkSentTo}. Open it on this device to continue.
        </p>
      ) : null}
      <Form method="post" className="card stack" {...getFormProps(form)}>
        <input type="hidden" name="redirectTo" value={searchParams.get('redirectTo') ?? '/'} />
        <ErrorList id={form.errorId} errors={form.errors} />
        <Field label="E-mail" type="email" field={fields.email} autoComplete="email" />
        <Field label="Password" type="password" field={fields.password} autoComplete="current-password" required={false} />
        <div className="actions">
          <button type="submit" name="intent" value="password" className="button button--primary" disabled={busy}>
            Sign in
          </button>
          {signInLinks ? (
            <button type="submit" name="intent" value="link" className="button" formNoValidate disabled={busy}>
              E-mail me a sign-in link
            </button>
          ) : null}
        </div>
      </Form>
      <p>
        New here? <Link to={`/sign-up?${searchParams}`}>Create an account</Link>
      </p>
    </main>
  )
}
