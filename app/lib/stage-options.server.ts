import { getAllCountries } from 'countries-and-timezones'
import type { StageId } from '../../server/wizard/stages'
import { canonicalTimeZone } from '../../server/wizard/times'

/** Built once: the lists do not change while the server runs. */
const once = <T>(build: () => T) => {
  let value: T | undefined
  return () => (value ??= build())
}

const timeZones = once(() => [...new Set(Intl.supportedValuesOf('timeZone').map((zone) => canonicalTimeZone(zone) ?? zone))].sort())

const countries = once(() =>
  Object.values(getAllCountries())
    .map((country) => ({ code: country.id, name: country.name }))
    .sort((a, b) => a.name.localeCompare(b.name)),
)

const commonCurrencies = ['EUR', 'USD', 'GBP', 'JPY', 'CHF', 'CAD', 'AUD']
const currencies = once(() => [...commonCurrencies, ...Intl.supportedValuesOf('currency').filter((code) => !commonCurrencies.includes(code))])

/** The choices a stage's form offers, sent only to the stage that needs them. */
export function stageOptions(stage: StageId) {
  return {
    timeZones: stage === 'eventSetup' ? timeZones() : [],
    countries: stage === 'venueSetup' ? countries() : [],
    currencies: stage === 'ticketSetup' ? currencies() : [],
  }
}

export type StageOptions = ReturnType<typeof stageOptions>
