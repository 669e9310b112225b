import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";
import { screenshot } from "./page-watch.js";

/**
 * Walks the first-run flow by the accessible names of the UI script (/work/brief/ui-script.md):
 * each step waits for its heading, takes a screenshot (test-results/screenshots/<prefix>-<n>-<step>.png)
 * and does what a person would.
 */
export class SetupFlow {
  constructor(
    readonly page: Page,
    readonly prefix = "setup",
  ) {}

  heading(name: string): Locator {
    return this.page.getByRole("heading", { name, exact: true });
  }

  button(name: string): Locator {
    return this.page.getByRole("button", { name, exact: true });
  }

  async expectStep(name: string, timeoutMs = 20_000): Promise<void> {
    await this.heading(name).waitFor({ state: "visible", timeout: timeoutMs });
  }

  private shot(name: string): Promise<string> {
    return screenshot(this.page, `${this.prefix}-${name}`);
  }

  async welcome(): Promise<void> {
    await this.expectStep("Welcome to PoUW Miner");
    await this.shot("1-welcome");
    await this.button("Get started").click();
  }

  async hardware(): Promise<void> {
    await this.expectStep("Your hardware");
    // The probe is done once "Continue" is enabled; the page then names the CPU and memory.
    const next = this.button("Continue");
    await expect.poll(() => next.isEnabled(), { timeout: 30_000 }).toBe(true);
    await this.shot("2-hardware");
    await next.click();
  }

  async createWallet(password: string): Promise<void> {
    await this.expectStep("Your wallet");
    await this.shot("3-wallet");
    await this.button("Create a new wallet").click();
    await this.page.getByLabel("Password", { exact: true }).fill(password);
    await this.page.getByLabel("Confirm password", { exact: true }).fill(password);
    await this.shot("3-wallet-create");
    await this.button("Create wallet").click();
  }

  /** The saved wallet after a restart: its password unlocks it (not remembered). */
  async unlock(password: string): Promise<void> {
    await this.expectStep("Your wallet");
    await this.page.getByRole("checkbox", { name: "Remember on this computer" }).waitFor({ state: "visible" });
    await this.page.getByLabel("Password", { exact: true }).fill(password);
    await this.shot("3-wallet-unlock");
    await this.button("Unlock").click();
  }

  /** Shows the phrase after the password check, confirms it; returns the words shown. */
  async backup(password: string): Promise<string[]> {
    await this.expectStep("Back up your recovery phrase");
    await this.page.getByLabel("Password", { exact: true }).fill(password);
    await this.button("Show recovery phrase").click();
    const phrase = this.page.getByRole("list", { name: "Recovery phrase" });
    await phrase.waitFor({ state: "visible", timeout: 20_000 });
    const words = (await phrase.getByRole("listitem").allTextContents()).map((w) => w.trim());
    await this.shot("4-backup");
    await this.button("I have written it down").click();
    return words;
  }

  /** Downloads the model (its progress bar must show), makes it the active one, continues. */
  async model(name: string): Promise<{ sawProgress: boolean }> {
    await this.expectStep("Choose a model");
    await this.shot("5-model");
    await this.button(`Download ${name}`).click();
    const bar = this.page.getByRole("progressbar", { name: `Download progress ${name}` });
    let sawProgress = false;
    const next = this.button("Continue");
    const use = this.button(`Use ${name}`);
    await expect
      .poll(
        async () => {
          if (!sawProgress && (await bar.isVisible())) {
            sawProgress = true;
            await this.shot("5-model-downloading");
          }
          if (await next.isEnabled()) return true;
          if (await use.isVisible()) await use.click();
          return false;
        },
        { timeout: 60_000, interval: 200 },
      )
      .toBe(true);
    await this.shot("5-model-installed");
    await next.click();
    return { sawProgress };
  }

  /** Runs the benchmark; returns the result text (it names tokens/s). */
  async benchmark(): Promise<string> {
    await this.expectStep("Benchmark");
    await this.button("Run benchmark").click();
    const result = this.page.getByText(/tokens\/s/).first();
    await result.waitFor({ state: "visible", timeout: 90_000 });
    const next = this.button("Continue");
    await expect.poll(() => next.isEnabled(), { timeout: 30_000 }).toBe(true);
    await this.shot("6-benchmark");
    const text = (await result.textContent()) ?? "";
    await next.click();
    return text;
  }

  /** Registers with the prefilled minimum stake; returns that stake text and the fee text shown. */
  async register(): Promise<{ stake: string; fee: string }> {
    await this.expectStep("Register and stake");
    const stake = await this.page.getByLabel("Stake", { exact: true }).inputValue();
    const fee = this.page.getByText(/Estimated fee/).first();
    await fee.waitFor({ state: "visible", timeout: 30_000 });
    await this.shot("7-register");
    const feeText = (await fee.textContent()) ?? "";
    await this.button("Register").click();
    return { stake, fee: feeText };
  }

  async startMining(): Promise<void> {
    await this.expectStep("Ready to mine", 60_000);
    await this.shot("8-ready");
    await this.button("Start mining").click();
    await this.page.waitForURL(/#\/dashboard$/, { timeout: 30_000 });
  }
}
