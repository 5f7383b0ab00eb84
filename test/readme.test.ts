// The README's generated tool tables match the catalogue (regenerate with
// `npx tsx scripts/readme-tables.ts --write`).

import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { section, withSection } from "../scripts/readme-tables.js";

it("README.md's tool tables are up to date", async () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  expect(withSection(readme, await section()), "run npx tsx scripts/readme-tables.ts --write").toBe(readme);
});
