// The catalogue: every tool definition, grouped as the API reference groups them.

import { contactTools } from "./contacts/index.js";
import type { Tool } from "./types.js";

export const allTools: readonly Tool[] = [...contactTools];
