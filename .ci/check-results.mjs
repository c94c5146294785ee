// Fails the run when Vitest reports any skipped or todo test, or no tests at all: a test that did not
// run proves nothing. Usage: node .ci/check-results.mjs <vitest-json-report>
import { readFileSync } from 'node:fs'

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const skipped = report.testResults.flatMap((file) =>
  file.assertionResults.filter((test) => test.status !== 'passed' && test.status !== 'failed').map((test) => `${file.name}: ${test.fullName} (${test.status})`),
)
console.log(`tests: ${report.numTotalTests}, passed: ${report.numPassedTests}, failed: ${report.numFailedTests}, skipped/todo: ${skipped.length}`)
if (skipped.length > 0) {
  console.error(`Skipped tests are not allowed:\n${skipped.join('\n')}`)
  process.exit(1)
}
if (report.numTotalTests === 0 || !report.success) process.exit(1)
