// Runs the redaction scenarios with the built packages, so that a parent can
// start this script with NODE_DEBUG=umapi and search the debug output on
// stderr. Prints the secrets in play as JSON on the last stdout line.
import { runRedactionScenarios } from './redaction-scenarios.mjs';

const { secrets, results } = await runRedactionScenarios();
console.log(JSON.stringify({ secrets, scenarios: results.length }));
