// Loaded with `node --import <this file> pipeline.ts` (or NODE_OPTIONS="--import=…"): lets a
// pipeline script in any repository be TypeScript and import the SDK as "baton" without
// installing anything. tsx is resolved from this file's installation, not the script's.
import Module, { register as registerHooks } from "node:module";
import { fileURLToPath } from "node:url";
import { register as registerTypeScriptRequire } from "tsx/cjs/api";
import { register as registerTypeScriptImport } from "tsx/esm/api";

const LOADED = Symbol.for("baton.sdk.register");
const sdkUrl = new URL("./index.ts", import.meta.url);

if (!globalThis[LOADED]) {
  globalThis[LOADED] = true;

  // TypeScript for `import` (ESM scripts) and for `require` (CommonJS scripts, and .ts files
  // outside any "type": "module" package, which tsx runs as CommonJS).
  registerTypeScriptRequire();
  registerTypeScriptImport();

  // Hooks registered last run first, so "baton" is mapped before tsx resolves anything.
  registerHooks("./resolve-hook.mjs", import.meta.url, { data: { sdkUrl: sdkUrl.href } });

  const sdkPath = fileURLToPath(sdkUrl);
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function resolveBaton(request, ...rest) {
    if (request === "baton") return sdkPath;
    return resolveFilename.call(this, request, ...rest);
  };
}
