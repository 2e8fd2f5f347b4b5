import { expect, type Locator, type Page } from "@playwright/test";
import type { DeliveryResult } from "../../../shared/api/repositories";
import type { BatonServer } from "../../fixtures/baton-server";

export interface RepositoryEdit {
  name?: string;
  defaultBranch?: string;
  accessToken?: string;
  clearToken?: boolean;
}

export interface NewRepository {
  name: string;
  cloneUrl: string;
  defaultBranch?: string;
  accessToken?: string;
}

/** Settings → Repositories and a repository's page, as a person uses them. */
export class SettingsPage {
  constructor(
    readonly page: Page,
    readonly server: BatonServer,
  ) {}

  /** Through the header's Settings link, as a person would get there. */
  async openRepositories(): Promise<void> {
    await this.page.getByRole("banner").getByRole("link", { name: "Settings" }).click();
    await expect(this.page).toHaveURL(/\/settings\/repositories$/);
    await expect(this.page.getByTestId("settings-repositories-page")).toBeVisible();
  }

  get addForm(): Locator {
    return this.page.getByTestId("add-repository-form");
  }

  /** Fills in and sends the add form; resolves with the secret shown once. */
  async addRepository(repository: NewRepository): Promise<{ secret: string }> {
    await this.page.getByTestId("add-repository-button").click();
    const form = this.addForm;
    await form.getByLabel("Name", { exact: true }).fill(repository.name);
    await form.getByLabel("Clone URL").fill(repository.cloneUrl);
    if (repository.defaultBranch) await form.getByLabel("Default branch").fill(repository.defaultBranch);
    if (repository.accessToken) await form.getByLabel("Access token").fill(repository.accessToken);
    await form.getByRole("button", { name: "Add repository" }).click();
    await expect(this.page.getByTestId("repository-created")).toBeVisible();
    const secret = (await this.webhookSecret.textContent())?.trim() ?? "";
    return { secret };
  }

  get webhookSecret(): Locator {
    return this.page.getByTestId("webhook-secret");
  }

  get webhookUrl(): Locator {
    return this.page.getByTestId("webhook-url");
  }

  repositoryRow(name: string): Locator {
    return this.page.getByTestId("repositories-table").locator(`[data-testid="repository-row"][data-name="${name}"]`);
  }

  /** From the repositories table to the repository's page. */
  async openRepository(name: string): Promise<void> {
    await this.repositoryRow(name).getByTestId("repository-link").click();
    await expect(this.page.getByTestId("repository-page")).toBeVisible();
    await expect(this.page.getByRole("heading", { level: 1 })).toHaveText(name);
  }

  async openRepositoryAt(id: number): Promise<void> {
    await this.page.goto(`${this.server.url}/settings/repositories/${id}`);
    await expect(this.page.getByTestId("repository-page")).toBeVisible();
  }

  get editForm(): Locator {
    return this.page.getByTestId("edit-repository-form");
  }

  /** Opens the edit form, changes what `edit` names and saves; the form closes once saved (unless refused). */
  async edit(edit: RepositoryEdit): Promise<void> {
    await this.page.getByTestId("edit-repository-button").click();
    const form = this.editForm;
    if (edit.name !== undefined) await form.getByLabel("Name", { exact: true }).fill(edit.name);
    if (edit.defaultBranch !== undefined) await form.getByLabel("Default branch").fill(edit.defaultBranch);
    if (edit.accessToken !== undefined) await form.getByLabel("Access token").fill(edit.accessToken);
    if (edit.clearToken) await form.getByTestId("clear-token").check();
    await form.getByRole("button", { name: "Save changes" }).click();
  }

  async sendTestDelivery(): Promise<void> {
    await this.page.getByTestId("test-delivery-button").click();
    await expect(this.testDeliveryResult).toBeVisible();
  }

  get testDeliveryResult(): Locator {
    return this.page.getByTestId("test-delivery-result");
  }

  get deliveries(): Locator {
    return this.page.getByTestId("deliveries-table").getByTestId("delivery-row");
  }

  delivery(id: string | number): Locator {
    return this.page.locator(`[data-testid="delivery-row"][data-id="${id}"]`);
  }

  /** Waits for a delivery to reach `result` (the list refetches itself every few seconds). */
  async expectDeliveryResult(id: string | number, result: DeliveryResult, timeout = 30_000): Promise<Locator> {
    const row = this.delivery(id);
    await expect(row).toHaveAttribute("data-result", result, { timeout });
    return row;
  }
}
