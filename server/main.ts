import http from "node:http";
import type { AddressInfo } from "node:net";
import { loadConfig, withListeningPort } from "./config";
import { createBaton } from "./create-baton";
import { createHttpApp } from "./api/http-app";

/**
 * `npm start`: the dashboard and API on PORT (8700), state under BATON_DATA (./.baton). The port
 * is bound first, so that with PORT=0 the links Baton hands out (webhook URL, commit statuses,
 * delivery links) name the port it got; requests wait in the backlog until the app is attached.
 */
async function main(): Promise<void> {
  const server = http.createServer();
  const loaded = loadConfig();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(loaded.port, loaded.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const config = withListeningPort(loaded, port);
  const baton = await createBaton(config);
  baton.engine.on("notice", (message) => console.log(`baton: ${message}`));
  const { auth } = createHttpApp(baton, server);
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
