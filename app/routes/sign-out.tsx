import { type ActionFunctionArgs, redirect } from '@remix-run/node'
import { callerFor } from '../lib/caller.server'

export const loader = () => redirect('/')

export async function action(args: ActionFunctionArgs) {
  const resHeaders = new Headers()
  await (await callerFor(args, resHeaders)).auth.signOut()
  return redirect('/', { headers: resHeaders })
}
