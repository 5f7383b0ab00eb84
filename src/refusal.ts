// A refusal of the caller's input by our own checks (bad argument, file outside
// the roots, unknown name), raised before anything is sent. Below tools/,
// workspace/ and files/ alike, so each can refuse without importing the others.

import { EVERY_TOOL, render, type Text } from "./pointers.js";

export class ToolInputError extends Error {
  override name = "ToolInputError";
  /** The words, with the tools they name shown only where served (rendered per server by tools/errors.ts). */
  readonly text: Text;

  constructor(text: Text) {
    super(render(text, EVERY_TOOL));
    this.text = text;
  }
}
