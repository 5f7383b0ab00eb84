// What one library run against one provider API came to (run.ts), also read by npm run bench.

export interface Outcome {
  library: string;
  version: string;
  api: string;
  transport: string;
  /** Tools the model was given, of ours. */
  tools: string;
  /** Of those, sent with OpenAI strict mode. */
  strict: number;
  /** The model was sent our outputSchemas too (the tools/list token budget counts them). */
  outputSchema: boolean;
  /** o200k tokens of list_contacts' result as the library put it before the model. */
  resultTokens: number | undefined;
  problems: string[];
  /** The library's own defects seen in this run (Library.known), not counted as problems. */
  known: string[];
}
