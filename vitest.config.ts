import { defineConfig } from "vitest/config";

/**
 * `npm test` runs every project: unit tests beside their modules, integration tests against
 * real git, SQLite, Docker and HTTP, and the Playwright specs in Chromium (through a runner
 * test in test/e2e, so one command runs everything).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          sequence: { groupOrder: 0 },
          include: ["shared/**/*.test.ts", "server/**/*.test.ts", "client/**/*.test.ts"],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "integration",
          sequence: { groupOrder: 1 },
          include: ["test/integration/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
    ],
  },
});
