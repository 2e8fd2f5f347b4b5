import { loadConfig } from "./config";
import { createBaton } from "./create-baton";
import { createHttpApp } from "./api/http-app";

/** `npm start`: the dashboard and API on PORT (8700), state under BATON_DATA (./.baton). */
async function main(): Promise<void> {
  const config = loadConfig();
  const baton = await createBaton(config);
  baton.engine.on("notice", (message) => console.log(`baton: ${message}`));
  const { server, auth } = createHttpApp(baton);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, resolve);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  console.log(`baton: executor ${baton.executorReason}`);
  console.log(`baton: data in ${config.dataDir}`);
  for (const note of auth.startupNotes) console.log(`baton: ${note}`);
  console.log(`baton: listening on http://localhost:${port}`);

  const stop = async () => {
    server.close();
    await baton.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

main().catch((error: Error) => {
  console.error(`baton: ${error.message}`);
  process.exit(1);
});
