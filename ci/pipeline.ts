// Baton's own CI: install once, then typecheck, lint and the unit tests side by side, then the
// integration and browser tests. All steps share one workspace (sameContainer) so the install
// and the built client are there for the steps after them.
import { Exec, Parallel, Serial, main } from "baton";

main(
  Serial(
    { sameContainer: true, env: { CI: "true" } },
    {
      install: Exec("npm ci --no-audit --no-fund", { maxTime: "15m", doc: "Installs exactly what `package-lock.json` pins." }),
      checks: Parallel({
        typecheck: Exec("npm run typecheck"),
        lint: Exec("npm run lint"),
        unit: Exec("npx vitest run --project unit"),
      }),
      build: Exec("npx vite build --logLevel warn"),
      integration: Exec("npx vitest run --project integration", { maxTime: "30m" }),
      e2e: Exec("npx playwright test", { maxTime: "30m", doc: "Playwright specs in Debian's Chromium." }),
    },
  ),
);
