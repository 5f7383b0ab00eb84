import { defineConfig } from "vitest/config";

export default defineConfig({
  // The servers the tests start must not write into the home folder of whoever runs them (the journal's default place).
  test: { globalSetup: ["test/helpers/home.ts"] },
});
