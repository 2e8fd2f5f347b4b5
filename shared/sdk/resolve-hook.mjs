// Resolve hook (module.register) for pipeline scripts: the bare specifier "baton" is the SDK
// of the Baton installation that registered this hook, whatever the script's directory holds.

let sdkUrl = null;

/** Receives `{ sdkUrl }` from register.mjs. */
export function initialize(data) {
  sdkUrl = data.sdkUrl;
}

export async function resolve(specifier, context, nextResolve) {
  // Handed on rather than short-circuited, so that tsx (next in the chain) marks it as TypeScript.
  if (specifier === "baton" && sdkUrl !== null) return nextResolve(sdkUrl, context);
  return nextResolve(specifier, context);
}
