import type { MetaFunction } from '@remix-run/node'

export const meta: MetaFunction = () => [
  { title: 'Event Wizard' },
  { name: 'description', content: 'Create and publish your event, step by step.' },
]

export default function Home() {
  return (
    <main className="page page--narrow">
      <h1>Event Wizard</h1>
      <p>Create and publish fashion shows, pop-ups, exhibitions and launches, step by step.</p>
    </main>
  )
}
