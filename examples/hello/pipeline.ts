// The hello pipeline: build, three tests side by side, then deploy (main branch only).
// Run by hand to see the tree:   node --import <baton>/shared/sdk/register.mjs pipeline.ts
// Baton runs it with BATON_GENERATE=1 and reads the pipeline JSON it prints.
import { parseArgs } from "node:util";
import { Exec, Image, Parallel, Serial, main } from "baton";

const { values } = parseArgs({ options: { branch: { type: "string" } }, strict: false });
const branch = typeof values.branch === "string" ? values.branch : process.env.BATON_BRANCH;

// No image name: nodes run in the server's default image, with the repository at /workspace.
const repo = Image({ copyRepo: true });

const root = Serial(
  { image: repo, env: { GREETING: "hello" } },
  {
    build: Exec("sh scripts/build.sh", { maxTime: "5m", doc: "Writes the greeting to `dist/greeting.txt` and prints it." }),
    tests: Parallel({
      unit: Exec("sh tests/unit.sh"),
      lint: Exec("sh tests/lint.sh"),
      integration: Exec("sh tests/integration.sh"),
    }),
    deploy: Exec("sh scripts/deploy.sh", {
      skip: branch !== "main",
      doc: "Runs only for the `main` branch; elsewhere it is generated skipped (unskip it to deploy by hand).",
    }),
  },
);

main(root);
