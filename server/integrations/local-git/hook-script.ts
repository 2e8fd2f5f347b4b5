import { shellQuote } from "../../cfg/shell-quote";

/** Marks a hook as Baton's: reinstalling replaces it, anything else is left alone. */
export const HOOK_MARKER = "baton-hook v1";

export type HookKind = "post-receive" | "post-commit";

export interface HookSettings {
  kind: HookKind;
  /** The server's base URL. */
  server: string;
  /** The repository's absolute path, as the server sees it (same machine). */
  repo: string;
  token: string;
  /** Node.js to run the notifier with (hooks run with git's PATH, which may lack it). */
  nodePath: string;
}

/**
 * The notifier the hook runs with `node -e`: POSTs one ref update to /api/hooks/local-git and
 * prints what the server launched. It never fails the git command. It is embedded in the shell
 * script between single quotes, so it contains none; the token travels in the environment,
 * not on a command line.
 */
const NOTIFY_JS = `
const [ref, before, after] = process.argv.slice(-3);
const env = process.env;
const say = (text) => process.stderr.write("baton: " + text + "\\n");
const body = JSON.stringify({ repo: env.BATON_REPO, ref, before, after, user: env.USER || env.LOGNAME || undefined });
fetch(env.BATON_SERVER + "/api/hooks/local-git", {
  method: "POST",
  headers: { "content-type": "application/json", authorization: "Bearer " + env.BATON_HOOK_TOKEN },
  body,
  signal: AbortSignal.timeout(10000),
}).then(async (res) => {
  const answer = await res.json().catch(() => ({}));
  if (!res.ok) return say(ref + ": " + env.BATON_SERVER + " refused the notification (" + res.status + "): " + ((answer.error && answer.error.message) || ""));
  if (answer.pipelines && answer.pipelines.length > 0) {
    for (const p of answer.pipelines) say(ref + ": launched [" + p.section + "] " + p.url);
  } else if (answer.result === "accepted") {
    say(ref + ": accepted (delivery " + answer.delivery + ")");
  } else {
    say(ref + ": " + answer.result + (answer.reason ? ": " + answer.reason : ""));
  }
}).catch((error) => say(ref + ": cannot reach " + env.BATON_SERVER + ": " + error.message));
`;

/** The hook file's text: a POSIX shell script that reports each ref update to the server. */
export function hookScript(settings: HookSettings): string {
  if (NOTIFY_JS.includes("'")) throw new Error("the notifier must not contain a single quote");
  const report =
    settings.kind === "post-receive"
      ? [`while read -r before after ref; do`, `  notify "$ref" "$before" "$after"`, `done`]
      : [
          `ref=$(git symbolic-ref -q HEAD) || exit 0 # a detached HEAD is on no branch: nothing to report`,
          `after=$(git rev-parse HEAD)`,
          `before=$(git rev-parse -q --verify HEAD~1 2>/dev/null || echo 0000000000000000000000000000000000000000)`,
          `notify "$ref" "$before" "$after"`,
        ];
  return [
    `#!/bin/sh`,
    `# ${HOOK_MARKER}: installed by \`baton hook install\`; tells the Baton server about new commits.`,
    `# Run \`baton hook install\` again to change the server or the token; \`baton hook uninstall\` removes it.`,
    `BATON_SERVER=${shellQuote(settings.server)}`,
    `BATON_REPO=${shellQuote(settings.repo)}`,
    `BATON_HOOK_TOKEN=${shellQuote(settings.token)}`,
    `BATON_NODE=${shellQuote(settings.nodePath)}`,
    `export BATON_SERVER BATON_REPO BATON_HOOK_TOKEN`,
    `BATON_NOTIFY_JS='${NOTIFY_JS}'`,
    `notify() {`,
    `  "$BATON_NODE" -e "$BATON_NOTIFY_JS" -- "$1" "$2" "$3" || true`,
    `}`,
    ...report,
    `exit 0`,
    ``,
  ].join("\n");
}
