// Where the built views are: dist/views/, written by scripts/build-views.mjs.
// The bundle gets its own version of this module (the folder beside dist/server.cjs);
// run from source (tests), the views come from the last build.

import { fileURLToPath } from "node:url";

export const VIEWS_DIR = fileURLToPath(new URL("../../dist/views/", import.meta.url));
