/** An event's status in the organizer's words. */
export const eventStatusLabels: Record<string, string> = { published: 'Live', unpublished: 'Unpublished', cancelled: 'Cancelled' }
