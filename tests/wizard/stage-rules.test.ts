/**
 * Every field of every stage the organizer fills in, broken one way at a time on otherwise valid data:
 * each case names the exact issue (path and message) that a form, the copilot and the API all show.
 */
import { describe, expect, it } from 'vitest'
import type { FieldIssue } from '../../server/errors'
import type { StageId } from '../../server/wizard/stages'
import { stageIssues } from '../../server/wizard/validation'
import { type ValidStageData, validContext, validStageData } from '../support/wizard-fixtures'

const NOW = new Date('2030-06-01T10:00:00Z') // the event is on 2030-08-30, 19:00–23:00 in Paris

type UserStage = keyof ValidStageData
// biome-ignore lint/suspicious/noExplicitAny: the cases write values of the wrong type on purpose
type LooseStage = any
type Case = [label: string, change: (data: LooseStage) => void, expected: FieldIssue[]]

/** The stage's issues after `change` has been applied to a fresh copy of the valid data. */
function issuesAfter<S extends UserStage>(stage: S, change: (data: LooseStage) => void): FieldIssue[] {
  const data = validStageData(NOW)
  change(data[stage])
  return stageIssues(stage as StageId, validContext(NOW, { data }))
}

const issue = (path: string, message: string): FieldIssue[] => [{ path, message }]
const long = (length: number) => 'x'.repeat(length)
const HTTPS = 'Use an https:// link.'
const NO_IP = 'Use a link with a domain name, not an IP address.'
const NO_LOCALHOST = 'Use a public link, not one to localhost.'
const NO_CREDENTIALS = 'Use a link without a user name or password in it.'

function table<S extends UserStage>(stage: S, cases: Case[]) {
  describe(stage, () => {
    it('accepts the valid fixture', () => {
      expect(issuesAfter(stage, () => {})).toEqual([])
    })
    it.each(cases)('%s', (_label, change, expected) => {
      expect(issuesAfter(stage, change)).toEqual(expected)
    })
  })
}

table('organizerSetup', [
  ['name missing', (d) => delete d.name, issue('name', 'Add your name.')],
  ['name empty', (d) => (d.name = ''), issue('name', 'Add your name.')],
  ['name blank', (d) => (d.name = '   '), issue('name', 'Add your name.')],
  ['name too long', (d) => (d.name = long(121)), issue('name', 'Use at most 120 characters.')],
  ['name not text', (d) => (d.name = 42), issue('name', 'Use text.')],
  ['organization missing', (d) => delete d.organization, issue('organization', "Add your organization's name.")],
  ['organization blank', (d) => (d.organization = ' '), issue('organization', "Add your organization's name.")],
  ['organization too long', (d) => (d.organization = long(121)), issue('organization', 'Use at most 120 characters.')],
  ['email missing', (d) => delete d.email, issue('email', 'Add an e-mail address.')],
  ['email malformed', (d) => (d.email = 'ada at example'), issue('email', 'Use an e-mail address such as name@example.com.')],
  ['email too long', (d) => (d.email = `ada@${long(62)}.${long(62)}.${long(62)}.${long(62)}.com`), issue('email', 'Use at most 254 characters.')],
  ['phone with letters', (d) => (d.phone = 'call me'), issue('phone', 'Use a phone number such as +33 1 23 45 67 89.')],
  ['phone too short', (d) => (d.phone = '12345'), issue('phone', 'Use a phone number such as +33 1 23 45 67 89.')],
  ['unknown field', (d) => (d.website = 'https://example.com'), issue('website', 'Unknown field "website".')],
])

const DATE = 'Use a date such as 2030-09-15.'
const TIME = 'Use a time such as 19:30 (24-hour clock).'
const ZONE = 'Choose a time zone such as Europe/Paris.'
const TYPE = 'Choose fashion_show, popup, exhibition, launch or other.'

table('eventSetup', [
  ['title missing', (d) => delete d.title, issue('title', 'Add a title.')],
  ['title too short', (d) => (d.title = 'Ab'), issue('title', 'Use at least 3 characters.')],
  ['title short once trimmed', (d) => (d.title = ' Ab '), issue('title', 'Use at least 3 characters.')],
  ['title blank', (d) => (d.title = '     '), issue('title', 'Add a title.')],
  ['title too long', (d) => (d.title = long(121)), issue('title', 'Use at most 120 characters.')],
  ['type missing', (d) => delete d.type, issue('type', TYPE)],
  ['type unknown', (d) => (d.type = 'concert'), issue('type', TYPE)],
  ['description too long', (d) => (d.description = long(5001)), issue('description', 'Use at most 5,000 characters.')],
  ['date missing', (d) => delete d.date, issue('date', 'Add the date of the event.')],
  ['date in another format', (d) => (d.date = '30/08/2030'), issue('date', DATE)],
  ['date not in the calendar', (d) => (d.date = '2031-02-29'), issue('date', 'Use a real calendar date.')],
  ['date in the past', (d) => (d.date = '2030-05-31'), issue('date', 'The event must start in the future.')],
  ['startTime missing', (d) => delete d.startTime, issue('startTime', 'Add the time the event starts.')],
  ['startTime in 12-hour form', (d) => (d.startTime = '7pm'), issue('startTime', TIME)],
  ['startTime 24:00', (d) => (d.startTime = '24:00'), issue('startTime', TIME)],
  ['endDate not in the calendar', (d) => (d.endDate = '2030-13-01'), issue('endDate', 'Use a real calendar date.')],
  ['endDate malformed', (d) => (d.endDate = 'soon'), issue('endDate', DATE)],
  ['endDate without endTime', (d) => ((d.endDate = '2030-08-31'), delete d.endTime), issue('endTime', 'Add the time the event ends.')],
  ['endDate before the date', (d) => (d.endDate = '2030-08-29'), issue('endTime', 'The event must end after it starts.')],
  ['endTime malformed', (d) => (d.endTime = '23h'), issue('endTime', TIME)],
  ['endTime equal to startTime', (d) => (d.endTime = '19:00'), issue('endTime', 'The event must end after it starts.')],
  ['timezone missing', (d) => delete d.timezone, issue('timezone', ZONE)],
  ['timezone unknown', (d) => (d.timezone = 'Mars/Olympus_Mons'), issue('timezone', ZONE)],
  ['timezone as an offset', (d) => (d.timezone = '+02:00'), issue('timezone', ZONE)],
  [
    'start in a clock change',
    (d) => ((d.date = '2031-03-30'), (d.startTime = '02:30'), (d.endTime = '04:00')),
    issue('startTime', '02:30 does not exist on 30 March 2031 in Europe/Paris: clocks go forward from 02:00 to 03:00.'),
  ],
  ['unknown field', (d) => (d.venue = 'Paris'), issue('venue', 'Unknown field "venue".')],
])

const MODE = 'Choose physical, virtual or hybrid.'
const COUNTRY = 'Use a two-letter country code such as FR.'
const CAPACITY = 'Use a number from 1 to 1,000,000.'

table('venueSetup', [
  ['mode missing', (d) => delete d.mode, issue('mode', MODE)],
  ['mode unknown', (d) => (d.mode = 'outdoor'), issue('mode', MODE)],
  ['physical without venue', (d) => ((d.mode = 'physical'), delete d.venue), issue('venue', "Add the venue's address.")],
  ['virtual without online', (d) => ((d.mode = 'virtual'), delete d.online), issue('online', 'Add the link to the online event.')],
  [
    'hybrid without either',
    (d) => (delete d.venue, delete d.online),
    [
      { path: 'venue', message: "Add the venue's address." },
      { path: 'online', message: 'Add the link to the online event.' },
    ],
  ],
  ['venue not an object', (d) => (d.venue = 'Salle Pleyel'), issue('venue', "Send the venue's details as an object.")],
  ['venue.name missing', (d) => delete d.venue.name, issue('venue.name', "Add the venue's name.")],
  ['venue.name too long', (d) => (d.venue.name = long(121)), issue('venue.name', 'Use at most 120 characters.')],
  ['venue.address missing', (d) => delete d.venue.address, issue('venue.address', 'Add the street address.')],
  ['venue.address too long', (d) => (d.venue.address = long(201)), issue('venue.address', 'Use at most 200 characters.')],
  ['venue.city blank', (d) => (d.venue.city = '  '), issue('venue.city', 'Add the city.')],
  ['venue.city too long', (d) => (d.venue.city = long(101)), issue('venue.city', 'Use at most 100 characters.')],
  ['venue.country missing', (d) => delete d.venue.country, issue('venue.country', 'Add the country.')],
  ['venue.country lowercase', (d) => (d.venue.country = 'fr'), issue('venue.country', COUNTRY)],
  ['venue.country alpha-3', (d) => (d.venue.country = 'FRA'), issue('venue.country', COUNTRY)],
  ['venue.country not a country', (d) => (d.venue.country = 'XX'), issue('venue.country', COUNTRY)],
  ['venue.postalCode too long', (d) => (d.venue.postalCode = long(21)), issue('venue.postalCode', 'Use at most 20 characters.')],
  ['venue.capacity zero', (d) => (d.venue.capacity = 0), issue('venue.capacity', CAPACITY)],
  ['venue.capacity too large', (d) => (d.venue.capacity = 1_000_001), issue('venue.capacity', CAPACITY)],
  ['venue.capacity not whole', (d) => (d.venue.capacity = 300.5), issue('venue.capacity', 'Use a whole number.')],
  ['venue unknown field', (d) => (d.venue.floor = 2), issue('venue.floor', 'Unknown field "floor".')],
  ['online.url missing', (d) => delete d.online.url, issue('online.url', 'Add the link to the online event.')],
  ['online.url http', (d) => (d.online.url = 'http://meet.example.com/x'), issue('online.url', HTTPS)],
  ['online.url javascript', (d) => (d.online.url = 'javascript:alert(1)'), issue('online.url', HTTPS)],
  ['online.url data', (d) => (d.online.url = 'data:text/html,<script>alert(1)</script>'), issue('online.url', HTTPS)],
  ['online.url without host', (d) => (d.online.url = 'https://'), issue('online.url', HTTPS)],
  ['online.url too long', (d) => (d.online.url = `https://meet.example.com/${long(2030)}`), issue('online.url', 'Use a link of at most 2,048 characters.')],
  ['online.platform too long', (d) => (d.online.platform = long(61)), issue('online.platform', 'Use at most 60 characters.')],
])

const CURRENCY = 'Use a three-letter currency code such as EUR.'
const DATETIME = 'Use a date and time with an offset, such as 2030-09-01T09:00:00+02:00.'
const QUANTITY = 'Use a number from 1 to 1,000,000.'
const PRICE = 'Use a price from 0 to 100,000,000.'

table('ticketSetup', [
  ['tiers missing', (d) => delete d.tiers, issue('tiers', 'Add at least one ticket tier.')],
  ['tiers empty', (d) => (d.tiers = []), issue('tiers', 'Add at least one ticket tier.')],
  [
    'more than 20 tiers',
    (d) => (d.tiers = Array.from({ length: 21 }, (_, i) => ({ name: `Tier ${i}`, price: 0, currency: 'EUR', quantity: 1 }))),
    issue('tiers', 'Use at most 20 ticket tiers.'),
  ],
  ['tier not an object', (d) => (d.tiers[1] = 'Press'), issue('tiers.1', "Send each tier's details as an object.")],
  ['name missing', (d) => delete d.tiers[0].name, issue('tiers.0.name', 'Name this ticket tier.')],
  ['name too long', (d) => (d.tiers[0].name = long(81)), issue('tiers.0.name', 'Use at most 80 characters.')],
  ['name used twice', (d) => (d.tiers[1].name = ' general ADMISSION'), issue('tiers.1.name', 'Another tier is already called "general ADMISSION".')],
  ['price missing', (d) => delete d.tiers[0].price, issue('tiers.0.price', 'Add a price (0 for free tickets).')],
  ['price negative', (d) => (d.tiers[0].price = -1), issue('tiers.0.price', PRICE)],
  ['price too large', (d) => (d.tiers[0].price = 100_000_001), issue('tiers.0.price', PRICE)],
  ['price not in minor units', (d) => (d.tiers[0].price = 12.5), issue('tiers.0.price', 'Use a whole number.')],
  ['currency missing', (d) => delete d.tiers[0].currency, issue('tiers.0.currency', 'Add a currency such as EUR.')],
  ['currency lowercase', (d) => (d.tiers[0].currency = 'eur'), issue('tiers.0.currency', CURRENCY)],
  ['currency not a code', (d) => (d.tiers[0].currency = 'EURO'), issue('tiers.0.currency', CURRENCY)],
  ['currency unknown', (d) => (d.tiers[0].currency = 'ABC'), issue('tiers.0.currency', CURRENCY)],
  ['a second currency', (d) => (d.tiers[1].currency = 'USD'), issue('tiers.1.currency', 'All tiers of an event use one currency (EUR).')],
  ['quantity missing', (d) => delete d.tiers[0].quantity, issue('tiers.0.quantity', 'Add how many tickets this tier offers.')],
  ['quantity zero', (d) => (d.tiers[0].quantity = 0), issue('tiers.0.quantity', QUANTITY)],
  ['quantity too large', (d) => (d.tiers[0].quantity = 1_000_001), issue('tiers.0.quantity', QUANTITY)],
  ['quantity not whole', (d) => (d.tiers[0].quantity = 2.5), issue('tiers.0.quantity', 'Use a whole number.')],
  ['description too long', (d) => (d.tiers[0].description = long(501)), issue('tiers.0.description', 'Use at most 500 characters.')],
  ['salesStart malformed', (d) => (d.tiers[0].salesStart = 'tomorrow'), issue('tiers.0.salesStart', DATETIME)],
  ['salesStart without offset', (d) => (d.tiers[0].salesStart = '2030-06-02T09:00:00'), issue('tiers.0.salesStart', DATETIME)],
  [
    'salesStart after the event',
    (d) => (d.tiers[1].salesStart = '2030-08-31T09:00:00+02:00'),
    issue('tiers.1.salesStart', 'Ticket sales must start by the end of the event.'),
  ],
  ['salesEnd malformed', (d) => (d.tiers[0].salesEnd = '2030-02-30T10:00:00Z'), issue('tiers.0.salesEnd', DATETIME)],
  ['salesEnd before salesStart', (d) => (d.tiers[0].salesEnd = '2030-05-31T10:00:00Z'), issue('tiers.0.salesEnd', 'Ticket sales must end after they start.')],
  [
    'salesEnd equal to salesStart',
    (d) => (d.tiers[0].salesEnd = '2030-06-01T12:00:00+02:00'),
    issue('tiers.0.salesEnd', 'Ticket sales must end after they start.'),
  ],
  [
    'salesEnd after the event ends',
    (d) => (d.tiers[0].salesEnd = '2030-08-30T23:00:01+02:00'),
    issue('tiers.0.salesEnd', 'Ticket sales must end by the end of the event.'),
  ],
  ['minPerOrder zero', (d) => (d.tiers[1].minPerOrder = 0), issue('tiers.1.minPerOrder', 'Use a whole number of at least 1.')],
  [
    'minPerOrder above maxPerOrder',
    (d) => (d.tiers[0].minPerOrder = 5),
    issue('tiers.0.maxPerOrder', 'Use a maximum no smaller than the minimum per order (5).'),
  ],
  [
    'minPerOrder above quantity',
    (d) => (delete d.tiers[0].maxPerOrder, (d.tiers[0].minPerOrder = 201)),
    issue('tiers.0.minPerOrder', "Use a minimum no larger than the tier's quantity (200)."),
  ],
  ['maxPerOrder not whole', (d) => (d.tiers[0].maxPerOrder = 1.5), issue('tiers.0.maxPerOrder', 'Use a whole number.')],
  ['maxPerOrder above quantity', (d) => (d.tiers[1].maxPerOrder = 51), issue('tiers.1.maxPerOrder', "Use a maximum no larger than the tier's quantity (50).")],
  ['hidden not a boolean', (d) => (d.tiers[1].hidden = 'yes'), issue('tiers.1.hidden', 'Use true or false.')],
  ['tier unknown field', (d) => (d.tiers[0].vat = 20), issue('tiers.0.vat', 'Unknown field "vat".')],
  ['totalCapacity zero', (d) => (d.totalCapacity = 0), issue('totalCapacity', 'Use a whole number of at least 1.')],
  ['totalCapacity below the tiers', (d) => (d.totalCapacity = 249), issue('totalCapacity', 'The tiers offer 250 tickets, more than the total capacity (249).')],
  ['totalCapacity above the venue', (d) => (d.totalCapacity = 301), issue('totalCapacity', 'The total capacity (301) is more than the venue holds (300).')],
  [
    'tiers above the venue',
    (d) => (delete d.totalCapacity, (d.tiers[0].quantity = 251)),
    issue('tiers', 'The tiers offer 301 tickets, more than the venue holds (300).'),
  ],
])

table('sponsorsMedia', [
  ['coverImageUrl http', (d) => (d.coverImageUrl = 'http://images.example.com/c.jpg'), issue('coverImageUrl', HTTPS)],
  ['coverImageUrl data', (d) => (d.coverImageUrl = 'data:image/png;base64,AAAA'), issue('coverImageUrl', HTTPS)],
  ['coverImageUrl IPv4', (d) => (d.coverImageUrl = 'https://169.254.169.254/latest/meta-data'), issue('coverImageUrl', NO_IP)],
  ['coverImageUrl IPv4 as one number', (d) => (d.coverImageUrl = 'https://2130706433/c.jpg'), issue('coverImageUrl', NO_IP)],
  ['coverImageUrl IPv4 in hex', (d) => (d.coverImageUrl = 'https://0x7f.1/c.jpg'), issue('coverImageUrl', NO_IP)],
  ['coverImageUrl IPv6', (d) => (d.coverImageUrl = 'https://[::1]/c.jpg'), issue('coverImageUrl', NO_IP)],
  ['coverImageUrl IPv4-mapped IPv6', (d) => (d.coverImageUrl = 'https://[::ffff:10.0.0.1]:8443/c.jpg'), issue('coverImageUrl', NO_IP)],
  ['coverImageUrl localhost', (d) => (d.coverImageUrl = 'https://localhost/c.jpg'), issue('coverImageUrl', NO_LOCALHOST)],
  ['coverImageUrl LOCALHOST.', (d) => (d.coverImageUrl = 'https://LOCALHOST./c.jpg'), issue('coverImageUrl', NO_LOCALHOST)],
  ['coverImageUrl *.localhost', (d) => (d.coverImageUrl = 'https://admin.localhost:3000/c.jpg'), issue('coverImageUrl', NO_LOCALHOST)],
  ['coverImageUrl credentials', (d) => (d.coverImageUrl = 'https://user:secret@images.example.com/c.jpg'), issue('coverImageUrl', NO_CREDENTIALS)],
  ['coverImageUrl user only', (d) => (d.coverImageUrl = 'https://user@images.example.com/c.jpg'), issue('coverImageUrl', NO_CREDENTIALS)],
  [
    'coverImageUrl NUL',
    (d) => (d.coverImageUrl = 'https://images.example.com/\u0000.jpg'),
    issue('coverImageUrl', 'Remove the NUL character or the broken Unicode character from this text.'),
  ],
  ['coverImageUrl a domain that merely starts with digits', (d) => (d.coverImageUrl = 'https://123.example.com/c.jpg'), []],
  ['coverImageUrl a domain ending in localhost.example', (d) => (d.coverImageUrl = 'https://localhost.example.com/c.jpg'), []],
  ['sponsors not a list', (d) => (d.sponsors = 'Maison Textile'), issue('sponsors', 'Send the sponsors as a list.')],
  [
    'more than 30 sponsors',
    (d) => (d.sponsors = Array.from({ length: 31 }, (_, i) => ({ name: `Sponsor ${i}` }))),
    issue('sponsors', 'Use at most 30 sponsors.'),
  ],
  ['sponsor name missing', (d) => delete d.sponsors[0].name, issue('sponsors.0.name', "Add the sponsor's name.")],
  ['sponsor name too long', (d) => (d.sponsors[0].name = long(121)), issue('sponsors.0.name', 'Use at most 120 characters.')],
  ['sponsor url javascript', (d) => (d.sponsors[0].url = 'javascript:alert(1)'), issue('sponsors.0.url', HTTPS)],
  ['sponsor logoUrl http', (d) => (d.sponsors[0].logoUrl = 'http://images.example.com/mt.png'), issue('sponsors.0.logoUrl', HTTPS)],
  ['sponsor url IP', (d) => (d.sponsors[0].url = 'https://10.0.0.5/'), issue('sponsors.0.url', NO_IP)],
  ['sponsor logoUrl localhost', (d) => (d.sponsors[0].logoUrl = 'https://localhost/mt.png'), issue('sponsors.0.logoUrl', NO_LOCALHOST)],
  ['sponsor url credentials', (d) => (d.sponsors[0].url = 'https://a:b@maison.example.com/'), issue('sponsors.0.url', NO_CREDENTIALS)],
  ['sponsor level too long', (d) => (d.sponsors[0].level = long(41)), issue('sponsors.0.level', 'Use at most 40 characters.')],
  ['skipped not a boolean', (d) => (d.skipped = 'no'), issue('skipped', 'Use true or false.')],
  ['unknown field', (d) => (d.gallery = []), issue('gallery', 'Unknown field "gallery".')],
])
