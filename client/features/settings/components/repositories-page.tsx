import { useState } from "react";
import { Link } from "react-router";
import type { RepositoryWithSecret } from "../../../../shared/api/repositories";
import { Button, ErrorAlert, Spinner } from "../../../components/ui";
import { useRepositories } from "../hooks/use-repositories";
import { useCreateRepository } from "../hooks/use-repository-mutations";
import { EMPTY_REPOSITORY_FORM, createRequestFrom, withoutSecret } from "../utils/repository-form";
import type { RepositoryFormValues } from "../utils/repository-form";
import { Section } from "./field";
import { RepositoriesTable, repositoryHref } from "./repositories-table";
import { RepositoryForm } from "./repository-form";
import { WebhookSetup } from "./webhook-setup";

/** Just added: how to connect it to GitHub, with its secret this once. */
function CreatedRepository({ created, onDismiss }: { created: RepositoryWithSecret; onDismiss: () => void }) {
  return (
    <Section
      title={`${created.name} added`}
      testId="repository-created"
      actions={
        <Link to={repositoryHref(created.id)} className="text-sm text-blue-700 hover:underline" data-testid="created-repository-link">
          Open {created.name} →
        </Link>
      }
    >
      <WebhookSetup repository={withoutSecret(created)} secret={created.webhookSecret} onDismiss={onDismiss} />
      <p className="mt-3 text-sm text-slate-600">
        No GitHub? Open the repository to send a test delivery, or run <code className="rounded bg-slate-100 px-1 font-mono">baton hook install &lt;path&gt;</code>{" "}
        in a repository on this machine.
      </p>
    </Section>
  );
}

export function RepositoriesPage() {
  const list = useRepositories();
  const create = useCreateRepository();
  const [adding, setAdding] = useState(false);
  // Held here rather than in the mutation, so that a second, failing add does not hide it.
  const [created, setCreated] = useState<RepositoryWithSecret | null>(null);

  const submit = (values: RepositoryFormValues): readonly string[] => {
    const outcome = createRequestFrom(values);
    if (!outcome.ok) return outcome.issues;
    create.mutate(outcome.value, {
      onSuccess: (repository) => {
        setCreated(repository);
        setAdding(false);
      },
    });
    return [];
  };

  return (
    <main className="mx-auto max-w-6xl space-y-4 p-4" data-testid="settings-repositories-page">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-lg font-semibold text-slate-900">Repositories</h1>
          <p className="text-sm text-slate-600">Where changes come from: GitHub webhooks, local git hooks and cron launch their .conducto.cfg sections.</p>
        </div>
        {!adding && (
          <Button variant="primary" onClick={() => setAdding(true)} data-testid="add-repository-button">
            Add repository
          </Button>
        )}
      </div>

      {created && <CreatedRepository created={created} onDismiss={() => setCreated(null)} />}

      {adding && (
        <Section title="Add repository">
          <RepositoryForm
            mode="create"
            initial={EMPTY_REPOSITORY_FORM}
            onSubmit={submit}
            onCancel={() => {
              setAdding(false);
              create.reset();
            }}
            pending={create.isPending}
            error={create.error}
            testId="add-repository-form"
          />
        </Section>
      )}

      <div className="overflow-hidden rounded-lg border border-slate-200 bg-white">
        {list.isPending ? (
          <div className="p-4">
            <Spinner label="Loading the repositories" />
          </div>
        ) : list.isError ? (
          <ErrorAlert error={list.error} className="m-4" />
        ) : list.data.length === 0 ? (
          <div className="space-y-1 px-4 py-10 text-center" data-testid="repositories-empty">
            <p className="text-sm font-medium text-slate-900">No repositories yet</p>
            <p className="text-sm text-slate-600">Add one to launch its pipelines when GitHub or a local git hook reports a change.</p>
          </div>
        ) : (
          <RepositoriesTable repositories={list.data} />
        )}
      </div>
    </main>
  );
}
