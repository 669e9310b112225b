import { PouwError } from "../../../src-shared/errors.js";
import type { CommandSpec, OptionSpecs } from "../command.js";

/**
 * A subcommand whose interface is fixed but whose implementation lands with a later issue.
 * It answers `--help` and fails honestly (exit 1) instead of pretending to work.
 */
export function plannedCommand(spec: {
  name: string;
  summary: string;
  usage: string;
  options?: OptionSpecs;
  issue: number;
}): CommandSpec {
  return {
    name: spec.name,
    summary: spec.summary,
    usage: spec.usage,
    options: spec.options ?? {},
    allowPositionals: true,
    details: `Not built yet in this version (tracked in issue #${spec.issue}).`,
    async run() {
      throw new PouwError("INTERNAL", `"pouw-miner ${spec.name}" is not built yet in this version (issue #${spec.issue})`);
    },
  };
}
