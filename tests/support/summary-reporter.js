// Why: CI and humans grep one plain, stable line. Jest always appends its own summary reporter
// after custom ones and runs globalTeardown after reporting, so the line is written on process
// exit to be truly the last one.
// A suite that fails to run (syntax error, throwing import) counts as one failure. The line is
// also written to $JEST_SUMMARY_FILE so scripts/run-tests.js can tell whether jest got this far.
'use strict';
const fs = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed`;
    if (process.env.JEST_SUMMARY_FILE) fs.writeFileSync(process.env.JEST_SUMMARY_FILE, line);
    process.once('exit', () => fs.writeSync(1, `${line}\n`));
  }
}

module.exports = SummaryReporter;
