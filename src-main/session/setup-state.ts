import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { SetupStepName, type SetupState } from "../../src-shared/app-views.js";
import { writeFileAtomic } from "../storage/atomic-file.js";

const SetupFile = z.object({ version: z.literal(1), done: z.array(SetupStepName) });

export function setupFilePath(dataDir: string): string {
  return path.join(dataDir, "setup.json");
}

/** What decides that the miner can mine, whatever the steps say: facts read at the time. */
export interface SetupFacts {
  wallet: SetupState["wallet"];
  modelInstalled: boolean;
  registered: boolean;
}

export function isSetupComplete(facts: SetupFacts): boolean {
  return facts.wallet === "unlocked" && facts.modelInstalled && facts.registered;
}

/**
 * The first run's progress in `<dataDir>/setup.json`, so each step resumes after a restart. Only
 * the steps are stored; whether the wallet is unlocked or a model installed is read from the world
 * each time, never remembered (a deleted model file must show as missing).
 */
export class SetupProgress {
  private constructor(
    private readonly file: string,
    private steps: SetupStepName[],
  ) {}

  /** A missing or unreadable file starts the flow over: it holds no secret and no money. */
  static async open(dataDir: string): Promise<SetupProgress> {
    const file = setupFilePath(dataDir);
    const text = await readFile(file, "utf8").catch(() => undefined);
    let done: SetupStepName[] = [];
    if (text !== undefined) {
      try {
        const parsed = SetupFile.safeParse(JSON.parse(text));
        if (parsed.success) done = parsed.data.done;
      } catch {
        // unreadable: start over
      }
    }
    return new SetupProgress(file, done);
  }

  get done(): readonly SetupStepName[] {
    return this.steps;
  }

  has(step: SetupStepName): boolean {
    return this.steps.includes(step);
  }

  /** Marks steps done (in the flow's order) and saves; true when anything changed. */
  async mark(...steps: SetupStepName[]): Promise<boolean> {
    const next = SetupStepName.options.filter((s) => this.steps.includes(s) || steps.includes(s));
    if (next.length === this.steps.length) return false;
    this.steps = next;
    await writeFileAtomic(this.file, JSON.stringify({ version: 1, done: next }, null, 2), { mode: 0o600 });
    return true;
  }

  view(facts: SetupFacts): SetupState {
    return { done: [...this.steps], complete: isSetupComplete(facts), wallet: facts.wallet };
  }
}
