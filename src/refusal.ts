// A refusal of the caller's input by our own checks (bad argument, file outside
// the roots, unknown name), raised before anything is sent. Below tools/,
// workspace/ and files/ alike, so each can refuse without importing the others.

export class ToolInputError extends Error {
  override name = "ToolInputError";
}
