import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import type { RepositoryView } from "../../../../shared/api/repositories";
import { Button, ConfirmDialog, ErrorAlert, Spinner } from "../../../components/ui";
import { isApiRequestError } from "../../../lib/api";
import { formatRelative, formatTime } from "../../../lib/format";
import { useNow } from "../../../lib/hooks";
import { RECENT_DELIVERIES, useRepositoryDeliveries } from "../hooks/use-deliveries";
import { useRepository } from "../hooks/use-repositories";
import { useDeleteRepository, useRotateSecret, useUpdateRepository } from "../hooks/use-repository-mutations";
import { formFromRepository, isEmptyUpdate, updateRequestFrom } from "../utils/repository-form";
import type { RepositoryFormValues } from "../utils/repository-form";
import { DeliveriesTable } from "./deliveries-table";
import { EnvIsolationPanel } from "./env-isolation-panel";
import { Section } from "./field";
import { SecretsPanel } from "./secrets-panel";
import { EventsList, StatusesState } from "./repository-status";
import { RepositoryForm } from "./repository-form";
import { TestDeliveryPanel } from "./test-delivery-panel";
import { WebhookSetup } from "./webhook-setup";

const REPOSITORIES = "/settings/repositories";

export function RepositoryPage() {
  const { id = "" } = useParams();
  return <RepositoryDetail key={id} id={/^[1-9][0-9]*$/.test(id) ? Number(id) : 0} rawId={id} />;
}

function RepositoryDetail({ id, rawId }: { id: number; rawId: string }) {
  const query = useRepository(id);
  if (id === 0 || query.isError) {
    const notFound = id === 0 || (isApiRequestError(query.error) && query.error.status === 404);
    return (
      <main className="space-y-3 p-6">
        <ErrorAlert error={notFound ? new Error(`There is no repository ${rawId}.`) : query.error} />
        <Link to={REPOSITORIES} className="text-sm text-blue-700 underline">
          Back to the repositories
        </Link>
      </main>
    );
  }
  if (query.isPending) {
    return (
      <div className="p-6">
        <Spinner label="Loading the repository" />
      </div>
    );
  }
  return <LoadedRepository repository={query.data} />;
}

function Timestamp({ at }: { at: number | null }) {
  const now = useNow(30_000);
  if (at === null) return <span className="text-slate-500">never</span>;
  return (
    <time dateTime={new Date(at).toISOString()} title={formatRelative(at, now)}>
      {formatTime(at, now)}
    </time>
  );
}

function SettingsSummary({ repository }: { repository: RepositoryView }) {
  return (
    <dl className="grid grid-cols-[11rem_1fr] gap-x-3 gap-y-2 text-sm" data-testid="repository-settings">
      <dt className="text-slate-500">Name</dt>
      <dd className="font-mono text-xs text-slate-900" data-testid="repository-name">
        {repository.name}
      </dd>
      <dt className="text-slate-500">Clone URL</dt>
      <dd className="font-mono text-xs break-all text-slate-800" data-testid="repository-clone-url">
        {repository.cloneUrl}
      </dd>
      <dt className="text-slate-500">Default branch</dt>
      <dd className="font-mono text-xs text-slate-800">{repository.defaultBranch}</dd>
      <dt className="text-slate-500">Events</dt>
      <dd>
        <EventsList events={repository.events} />
      </dd>
      <dt className="text-slate-500">Access token</dt>
      <dd className="text-slate-800" data-testid="repository-token">
        {repository.hasToken ? "set (write-only)" : "none"}
      </dd>
      <dt className="text-slate-500">Commit statuses</dt>
      <dd>
        <StatusesState statuses={repository.statuses} />
      </dd>
      <dt className="text-slate-500">GitHub API base URL</dt>
      <dd className="font-mono text-xs text-slate-800">{repository.apiBaseUrl}</dd>
      <dt className="text-slate-500">Last fetched</dt>
      <dd className="text-slate-800">
        <Timestamp at={repository.mirror.fetchedAt} />
        {repository.mirror.error && (
          <p className="mt-0.5 text-xs break-words text-red-700" data-testid="mirror-error">
            Last fetch failed: {repository.mirror.error}
          </p>
        )}
      </dd>
      <dt className="text-slate-500">Secret rotated</dt>
      <dd className="text-slate-800">
        <Timestamp at={repository.secretRotatedAt} />
      </dd>
    </dl>
  );
}

function RecentDeliveries({ repositoryId }: { repositoryId: number }) {
  const deliveries = useRepositoryDeliveries(repositoryId);
  return (
    <Section title="Recent deliveries" testId="recent-deliveries" actions={deliveries.isFetching ? <span className="text-xs text-slate-400">refreshing…</span> : null}>
      {deliveries.isPending ? (
        <Spinner label="Loading the deliveries" />
      ) : deliveries.isError ? (
        <ErrorAlert error={deliveries.error} />
      ) : deliveries.data.length === 0 ? (
        <p className="text-sm text-slate-500" data-testid="deliveries-empty">
          No deliveries yet. Send a test delivery, or push to the repository once GitHub's webhook is set up.
        </p>
      ) : (
        <>
          <DeliveriesTable deliveries={deliveries.data} />
          {deliveries.data.length >= RECENT_DELIVERIES && <p className="mt-2 text-xs text-slate-500">The newest {RECENT_DELIVERIES}; deliveries are kept for 30 days.</p>}
        </>
      )}
    </Section>
  );
}

function LoadedRepository({ repository }: { repository: RepositoryView }) {
  const navigate = useNavigate();
  const update = useUpdateRepository(repository.id);
  const rotate = useRotateSecret(repository.id);
  const remove = useDeleteRepository(repository.id);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState<"rotate" | "delete" | null>(null);

  const submit = (values: RepositoryFormValues): readonly string[] => {
    const outcome = updateRequestFrom(repository, values);
    if (!outcome.ok) return outcome.issues;
    if (isEmptyUpdate(outcome.value)) {
      setEditing(false);
      return [];
    }
    update.mutate(outcome.value, { onSuccess: () => setEditing(false) });
    return [];
  };

  return (
    <main className="mx-auto max-w-6xl space-y-4 p-4" data-testid="repository-page" data-id={repository.id}>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
            <Link to={REPOSITORIES} className="hover:underline">
              Repositories
            </Link>{" "}
            /
          </nav>
          <h1 className="text-lg font-semibold text-slate-900">{repository.name}</h1>
        </div>
        <Link to={`/?repo=${encodeURIComponent(repository.name)}`} className="text-sm text-blue-700 hover:underline">
          Its pipelines →
        </Link>
      </div>

      <Section
        title="Settings"
        testId="repository-settings-section"
        actions={
          !editing && (
            <>
              <Button
                onClick={() => {
                  update.reset();
                  setEditing(true);
                }}
                data-testid="edit-repository-button"
              >
                Edit
              </Button>
              <Button variant="danger" onClick={() => setConfirming("delete")} disabled={remove.isPending} data-testid="delete-repository-button">
                Delete
              </Button>
            </>
          )
        }
      >
        {editing ? (
          <RepositoryForm
            mode="edit"
            initial={formFromRepository(repository)}
            hasToken={repository.hasToken}
            onSubmit={submit}
            onCancel={() => setEditing(false)}
            pending={update.isPending}
            error={update.error}
            testId="edit-repository-form"
          />
        ) : (
          <SettingsSummary repository={repository} />
        )}
        <ErrorAlert error={remove.error} className="mt-3" />
      </Section>

      <Section
        title="GitHub webhook"
        testId="webhook-section"
        actions={
          <Button onClick={() => setConfirming("rotate")} disabled={rotate.isPending} data-testid="rotate-secret-button">
            {rotate.isPending ? "Rotating…" : "Rotate secret"}
          </Button>
        }
      >
        <WebhookSetup repository={repository} secret={rotate.data?.webhookSecret ?? null} onDismiss={() => rotate.reset()} />
        <ErrorAlert error={rotate.error} className="mt-3" />
      </Section>

      <Section title="Test delivery" testId="test-delivery-section">
        <p className="mb-2 text-sm text-slate-600">
          Baton signs a delivery with this repository's secret and sends it to its own webhook endpoint, as GitHub would: a push runs the{" "}
          <code className="font-mono">[push]</code> section on the head of <code className="font-mono">{repository.defaultBranch}</code>.
        </p>
        <TestDeliveryPanel repositoryId={repository.id} defaultBranch={repository.defaultBranch} />
      </Section>

      <Section title="Secrets" testId="repository-secrets-section">
        <p className="mb-3 text-sm text-slate-600">
          Given to this repository's pipelines only, with the global secrets (a name set here wins), as environment variables; never to a pull
          request from a fork.
        </p>
        <SecretsPanel scope={repository.id} />
      </Section>

      <RecentDeliveries repositoryId={repository.id} />

      <EnvIsolationPanel defaultBranch={repository.defaultBranch} events={repository.events} />

      <ConfirmDialog
        open={confirming === "rotate"}
        title={`Rotate the webhook secret of ${repository.name}?`}
        confirmLabel="Rotate secret"
        danger
        onCancel={() => setConfirming(null)}
        onConfirm={() => {
          setConfirming(null);
          rotate.mutate();
        }}
      >
        From now on, deliveries signed with the old secret are refused. The new secret is shown once: paste it into GitHub's webhook settings.
      </ConfirmDialog>
      <ConfirmDialog
        open={confirming === "delete"}
        title={`Delete ${repository.name}?`}
        confirmLabel="Delete"
        danger
        onCancel={() => setConfirming(null)}
        onConfirm={() => {
          setConfirming(null);
          remove.mutate(undefined, { onSuccess: () => void navigate(REPOSITORIES, { replace: true }) });
        }}
      >
        Its settings, secret and token are removed and GitHub's deliveries for it will be refused. Pipelines it launched and its deliveries log are kept.
      </ConfirmDialog>
    </main>
  );
}
