import type { ReactNode } from "react";
import Markdown from "react-markdown";
import type { NodeView } from "../../../../shared/api/pipeline-views";
import type { ImageRef } from "../../../../shared/pipeline/pipeline-schema";
import { formatDuration } from "../../../lib/format";

export function describeImage(image: ImageRef | null): string {
  if (image === null) return "the executor's default";
  if (typeof image === "string") return image;
  const source = image.image ?? (image.dockerfile ? `Dockerfile ${image.dockerfile}${image.context ? ` (context ${image.context})` : ""}` : image.dockerfileText ? "inline Dockerfile" : "default image");
  return image.copyRepo ? `${source}, with the repository at /workspace` : source;
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[5.5rem_1fr] gap-2 py-0.5 text-xs">
      <dt className="text-slate-500">{label}</dt>
      <dd className="min-w-0 text-slate-800">{children}</dd>
    </div>
  );
}

/** Command, image, environment, parameters and doc of a node. */
export function NodeDetails({ view }: { view: NodeView }) {
  const env = Object.entries(view.params.env).sort(([a], [b]) => a.localeCompare(b));
  const isExecLike = view.type === "exec" || view.type === "lazy";
  return (
    <div className="space-y-3">
      <dl>
        {view.title && <Field label="Title">{view.title}</Field>}
        {isExecLike && (
          <Field label="Command">
            <pre data-testid="node-command" className="max-h-40 overflow-auto whitespace-pre-wrap rounded bg-slate-100 px-2 py-1 font-mono text-xs">
              {view.command ?? "—"}
            </pre>
          </Field>
        )}
        {isExecLike && <Field label="Image">{describeImage(view.params.image)}</Field>}
        <Field label="Limits">
          max time {formatDuration(view.params.maxTimeMs)}
          {view.params.retries > 0 && ` · ${view.params.retries} retries`}
          {view.params.cpu !== null && ` · ${view.params.cpu} cpu`}
          {view.params.mem !== null && ` · ${view.params.mem} GB`}
          {view.type === "parallel" && view.params.maxConcurrent !== null && ` · at most ${view.params.maxConcurrent} at once`}
          {view.type === "serial" && !view.params.stopOnError && " · goes on after an error"}
          {view.params.suppressErrors && " · errors suppressed"}
        </Field>
        {view.tags.length > 0 && <Field label="Tags">{view.tags.join(", ")}</Field>}
      </dl>
      {env.length > 0 && (
        <details className="text-xs" open={env.length <= 8}>
          <summary className="cursor-pointer text-slate-500">Environment ({env.length})</summary>
          <table className="mt-1 w-full table-fixed border-collapse font-mono" data-testid="node-env">
            <tbody>
              {env.map(([key, value]) => (
                <tr key={key} className="border-t border-slate-100">
                  <td className="w-2/5 truncate py-0.5 pr-2 text-slate-600" title={key}>
                    {key}
                  </td>
                  <td className="truncate py-0.5 text-slate-800" title={value}>
                    {value}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
      {view.doc && (
        <div data-testid="node-doc" className="rounded-md border border-slate-200 bg-white px-3 py-2 text-sm text-slate-700 [&_a]:text-blue-700 [&_a]:underline [&_code]:rounded [&_code]:bg-slate-100 [&_code]:px-1 [&_h1]:font-semibold [&_h2]:font-semibold [&_li]:ml-4 [&_ol]:list-decimal [&_p]:my-1 [&_pre]:overflow-auto [&_pre]:bg-slate-100 [&_pre]:p-2 [&_ul]:list-disc">
          <Markdown>{view.doc}</Markdown>
        </div>
      )}
    </div>
  );
}
