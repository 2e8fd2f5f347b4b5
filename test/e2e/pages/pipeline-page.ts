import { expect, type Locator, type Page } from "@playwright/test";
import type { LaunchResult } from "../../../shared/api/api-contract";
import type { NodeState } from "../../../shared/pipeline/node-state";
import type { BatonServer } from "../../fixtures/baton-server";

/** The pipeline page as a person uses it: the graph, the node panel, its log and controls. */
export class PipelinePage {
  constructor(
    readonly page: Page,
    readonly server: BatonServer,
  ) {}

  /** Launches a pipeline through the API (as another client would) and returns its id. */
  async launch(body: unknown): Promise<string> {
    const response = await this.server.api<LaunchResult>("POST", "/api/pipelines", body);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.pipelines[0]!.id;
  }

  async open(id: string): Promise<void> {
    await this.page.goto(`${this.server.url}/pipelines/${id}`);
    await expect(this.page.getByTestId("pipeline-graph")).toBeVisible();
  }

  node(path: string): Locator {
    return this.page.locator(`[data-testid="graph-node"][data-path="${path}"]`);
  }

  async expectState(path: string, state: NodeState, timeout = 30_000): Promise<void> {
    await expect(this.node(path)).toHaveAttribute("data-state", state, { timeout });
  }

  async select(path: string): Promise<void> {
    const node = this.node(path);
    await node.click({ position: { x: 12, y: 12 } });
    await expect(this.page.getByTestId("node-panel-path")).toHaveText(path);
  }

  get panel(): Locator {
    return this.page.getByTestId("node-panel");
  }

  get logLines(): Locator {
    return this.page.getByTestId("log-line");
  }

  control(name: RegExp): Locator {
    return this.panel.getByRole("button", { name });
  }

  /** Clicks a control of the node panel, and confirms it when the UI asks. */
  async act(name: RegExp): Promise<void> {
    await this.control(name).click();
    const dialog = this.page.getByTestId("confirm-dialog");
    if (await dialog.isVisible().catch(() => false)) await dialog.getByRole("button", { name }).click();
  }

  /** Clicks Kill and confirms; resolves when the kill was sent. */
  async kill(): Promise<void> {
    await this.control(/^Kill$/).click();
    const dialog = this.page.getByTestId("confirm-dialog");
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name: /^Kill$/ }).click();
  }

  headerState(): Locator {
    return this.page.getByTestId("pipeline-state");
  }
}
