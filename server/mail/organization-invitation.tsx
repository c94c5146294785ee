export interface OrganizationInvitationView {
  organizationName: string
  role: 'admin' | 'member'
  /** The invitation page, with the token that opens it. */
  link: string
}

/** The invitation e-mail's HTML: plain markup and inline-free, as mail clients prefer. */
export function OrganizationInvitationEmail(view: OrganizationInvitationView) {
  return (
    <html lang="en">
      <body>
        <p>Hello,</p>
        <p>
          You are invited to join <strong>{view.organizationName}</strong> on Event Wizard as {view.role}.
        </p>
        <p>
          <a href={view.link}>See the invitation</a>
        </p>
        <p>Sign in or create an account with this e-mail address to accept it. The link works for 7 days.</p>
      </body>
    </html>
  )
}

export function organizationInvitationText(view: OrganizationInvitationView): string {
  return [
    'Hello,',
    '',
    `You are invited to join ${view.organizationName} on Event Wizard as ${view.role}.`,
    '',
    `See the invitation: ${view.link}`,
    '',
    'Sign in or create an account with this e-mail address to accept it. The link works for 7 days.',
  ].join('\n')
}
