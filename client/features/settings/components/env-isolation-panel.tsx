import type { RepositoryEvent } from "../../../../shared/api/repositories";
import { envIsolationRows } from "../utils/env-isolation";
import { Section } from "./field";

const CFG_EXAMPLE = `[pr]
command = ./ci/preview.sh up {env_id}

[pr-close]
command = ./ci/preview.sh down {env_id}`;

/** What `{env_id}` each event gives, so that a PR's resources can be named and cleaned up. */
export function EnvIsolationPanel({ defaultBranch, events }: { defaultBranch: string; events: readonly RepositoryEvent[] }) {
  const rows = envIsolationRows(defaultBranch);
  return (
    <Section title="Environment isolation" testId="env-isolation">
      <div className="space-y-3 text-sm text-slate-700">
        <p>
          Every pipeline gets <code className="font-mono">{"{env_id}"}</code> in its cfg command and <code className="font-mono">BATON_ENV_ID</code> in its
          nodes' environment. Name what a pipeline creates (containers, databases, preview deployments) after it, and pipelines of different pull requests
          or branches never share them.
        </p>
        <table className="w-full border-collapse text-sm" data-testid="env-isolation-table">
          <thead className="text-left text-xs tracking-wide text-slate-500 uppercase">
            <tr>
              <th className="py-1 pr-3 font-medium">Event</th>
              <th className="py-1 pr-3 font-medium">{"{env_id}"}</th>
              <th className="py-1 font-medium">For example</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const enabled = row.event === "hand" || events.includes(row.event);
              return (
                <tr key={row.event} className={`border-t border-slate-100 ${enabled ? "" : "text-slate-400"}`} data-testid="env-isolation-row" data-event={row.event}>
                  <td className="py-1 pr-3 font-mono text-xs">
                    {row.event === "hand" ? "by hand (CLI, dashboard)" : row.event}
                    {!enabled && <span className="ml-1 font-sans">(not enabled)</span>}
                  </td>
                  <td className="py-1 pr-3">{row.source}</td>
                  <td className="py-1 font-mono text-xs">{row.example}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <p>
          A pull request's pipelines and its <code className="font-mono">pr-close</code> pipeline share the same value, so the close can tear down what the
          PR's pipelines made:
        </p>
        <pre className="rounded-md bg-slate-900 px-3 py-2 font-mono text-xs text-slate-100">{CFG_EXAMPLE}</pre>
        <p className="text-xs text-slate-500">
          The value is made safe for container, network and DNS names: lower case, letters, digits and <code>-</code>, at most 63 characters (a longer one is
          cut and ends in a short hash). An explicit <code className="font-mono">--env-id</code> overrides it.
        </p>
      </div>
    </Section>
  );
}
