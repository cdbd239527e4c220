export interface RedactionScenarioResult {
  name: string;
  /** What the scenario threw, or `undefined` when it returned. */
  error: unknown;
  /** What the scenario returned, to inspect and serialize. */
  inspected: unknown;
}

export function runRedactionScenarios(): Promise<{
  secrets: string[];
  results: RedactionScenarioResult[];
  logLines: string[];
}>;
