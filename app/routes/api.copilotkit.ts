import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { handleCopilotRequest } from '../../server/copilot/handler'

const handle = ({ request, context }: LoaderFunctionArgs | ActionFunctionArgs) => handleCopilotRequest(request, context)

export const loader = handle
export const action = handle
