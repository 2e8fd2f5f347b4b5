import { test as base, expect, type Page } from "@playwright/test";
import { startServer, type BatonServer } from "../fixtures/baton-server";
import { PipelinePage } from "./pages/pipeline-page";

export interface E2eFixtures {
  /** A page signed in to the worker's server. */
  signedIn: Page;
  pipelinePage: PipelinePage;
}

export interface E2eWorkerFixtures {
  /** The real server (local executor, built SPA) on a free port with a temporary data dir, one per worker. */
  baton: BatonServer;
}

/** Signs in through the sign-in form, as the first admin unless another user is given. */
export async function signIn(page: Page, server: BatonServer, user: { name: string; password: string } = { name: "admin", password: server.password }): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.getByLabel("User name").fill(user.name);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: /sign in/i }).click();
  await expect(page.getByTestId("pipelines-page")).toBeVisible();
}

export const test = base.extend<E2eFixtures, E2eWorkerFixtures>({
  baton: [
    // Playwright reads a fixture's dependencies from this pattern; this one has none.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const server = await startServer({ env: { BATON_MAX_PARALLEL: "16", BATON_KILL_GRACE: "3s" } });
      await use(server);
      await server.stop();
    },
    { scope: "worker" },
  ],
  signedIn: async ({ page, baton }, use) => {
    await signIn(page, baton);
    await use(page);
  },
  pipelinePage: async ({ signedIn, baton }, use) => {
    await use(new PipelinePage(signedIn, baton));
  },
});

export { expect };
