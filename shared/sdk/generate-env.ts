import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * How Baton gives a generate step the SDK: `NODE_OPTIONS=--import=<register.mjs>` makes
 * `import "baton"` (and `require("baton")`) resolve to this checkout's SDK and lets the
 * script be TypeScript, with nothing installed in the repository.
 */

/** Absolute path of the loader a pipeline script runs under: `node --import <path> pipeline.ts`. */
export const SDK_REGISTER_PATH = fileURLToPath(new URL("./register.mjs", import.meta.url));

/**
 * The `NODE_OPTIONS` entry that loads the SDK, e.g. `--import="file:///opt/baton/shared/sdk/register.mjs"`.
 * The path goes as a file URL (so `#`, `?` and `%` in a directory name are not read as URL
 * syntax) inside double quotes (NODE_OPTIONS splits on spaces outside quotes).
 */
export function sdkNodeOptions(registerPath: string = SDK_REGISTER_PATH): string {
  return `--import=${quoteNodeOption(pathToFileURL(registerPath).href)}`;
}

/** The environment a generate step needs besides Baton's own variables. */
export function sdkGenerateEnv(): { NODE_OPTIONS: string; BATON_GENERATE: "1" } {
  return { NODE_OPTIONS: sdkNodeOptions(), BATON_GENERATE: "1" };
}

/** Quotes one NODE_OPTIONS value: inside double quotes, `\` escapes the next character. */
export function quoteNodeOption(value: string): string {
  return `"${value.replace(/["\\]/g, "\\$&")}"`;
}
