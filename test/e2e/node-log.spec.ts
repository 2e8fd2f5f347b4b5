import { expect, test } from "./fixtures";

/** 50,000 green lines, printed in bursts so the node runs for a few seconds. */
const COLOURED_FLOOD = `i=0; while [ $i -lt 50000 ]; do printf '\\033[32mline %05d is green\\033[0m\\n' $i; i=$((i+1)); if [ $((i % 5000)) -eq 0 ]; then sleep 0.4; fi; done`;

test("a 50,000-line coloured log: colours, follow the tail, search near the top, few DOM rows, download of every line", async ({ pipelinePage: p }) => {
  const id = await p.launch({ kind: "pipeline", pipeline: { type: "serial", name: "r", children: [{ type: "exec", name: "flood", command: COLOURED_FLOOD }] } });
  await p.open(id);
  // Record the most log-line elements the DOM ever holds, from now to the end of the test.
  await p.page.evaluate(() => {
    const w = window as unknown as { maxLogRows: number };
    w.maxLogRows = 0;
    const count = () => {
      w.maxLogRows = Math.max(w.maxLogRows, document.querySelectorAll('[data-testid="log-line"]').length);
    };
    new MutationObserver(count).observe(document.body, { childList: true, subtree: true });
  });
  await p.expectState("/flood", "running");
  await p.select("/flood");

  // Following the tail while it runs: the last rendered line keeps moving on and stays in view.
  const scroller = p.page.getByTestId("log-scroll");
  const lastLine = async () => Number(await p.logLines.last().getAttribute("data-n"));
  await expect.poll(lastLine, { timeout: 15_000 }).toBeGreaterThan(2000);
  const early = await lastLine();
  await expect.poll(lastLine, { timeout: 15_000 }).toBeGreaterThan(early + 2000);
  const atBottom = await scroller.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 40);
  expect(atBottom).toBe(true);

  await p.expectState("/flood", "done", 60_000);
  await expect(p.page.getByTestId("node-log")).toContainText("50,000 lines");

  // Colours come from the ANSI codes.
  const colour = await p.page.locator('[data-testid="log-line"][data-loaded="true"] span[style*="color"]').first().evaluate((el) => getComputedStyle(el).color);
  expect(colour).toMatch(/^rgb\(\s*\d+,\s*(1[0-9]{2}|2[0-9]{2}),\s*\d+\)$/);

  // Search finds a line near the top, far from the tail on screen.
  await p.page.keyboard.press("/");
  await expect(p.page.getByTestId("log-search")).toBeFocused();
  await p.page.keyboard.type("line 00042 ");
  await expect(p.page.getByTestId("log-search-status")).toHaveText("Line 43", { timeout: 15_000 });
  await expect(p.page.getByTestId("log-match").first()).toBeVisible();
  await expect(p.page.locator('[data-testid="log-line"][data-current-match="true"]')).toContainText("line 00042 is green");

  const maxRows = await p.page.evaluate(() => (window as unknown as { maxLogRows: number }).maxLogRows);
  console.log(`most log-line elements in the DOM at once: ${maxRows}`);
  expect(maxRows).toBeGreaterThan(10);
  expect(maxRows).toBeLessThan(500);

  // The download holds every line, colours and all.
  const href = await p.page.getByTestId("log-download").getAttribute("href");
  const download = await p.page.evaluate(async (url) => (await fetch(url!)).text(), href);
  const lines = download.split("\n").filter(Boolean);
  expect(lines).toHaveLength(50_000);
  expect(lines[0]).toBe("\u001b[32mline 00000 is green\u001b[0m");
  expect(lines[49_999]).toBe("\u001b[32mline 49999 is green\u001b[0m");
});
