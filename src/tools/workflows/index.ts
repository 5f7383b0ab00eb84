// Workflows: multi-step jobs over a whole segment, beyond one API operation.

import type { Tool } from "../types.js";
import { manageJob } from "./job.js";
import { segmentContacts } from "./segment.js";
import { tagContacts } from "./tag.js";

export const workflowTools: readonly Tool[] = [tagContacts, manageJob, segmentContacts];
