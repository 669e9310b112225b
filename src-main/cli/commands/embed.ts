import { UsageError, type CommandSpec } from "../command.js";
import { writeResult } from "../output.js";
import {
  loadModelWithProgress,
  loadParamsFromArgs,
  modelOptionHelp,
  modelOptions,
  resolveModelArg,
} from "../../worker-client/model-arg.js";
import { withWorker } from "../../worker-client/with-worker.js";

export const embedCommand: CommandSpec = {
  name: "embed",
  summary: "embed texts with a model (Proof of Inference)",
  usage: "--model <file|id> <text…> --json",
  details: "Vectors are mean-pooled by the model and L2-normalised, so a dot product is their cosine similarity.",
  options: { ...modelOptions },
  optionHelp: { ...modelOptionHelp },
  allowPositionals: true,
  async run(args, ctx) {
    const texts = args.positionals;
    if (texts.length === 0) throw new UsageError("give at least one text to embed");
    const load = await loadParamsFromArgs(args, resolveModelArg);
    const result = await withWorker(async (worker) => {
      const loaded = await loadModelWithProgress(worker, load, ctx);
      const embedded = await worker.call("embed", { texts }, { signal: ctx.signal });
      return { ...embedded, model: loaded.model.path };
    });
    writeResult(ctx, result, (r) =>
      r.vectors
        .map(
          (v, i) =>
            `${JSON.stringify(texts[i])}: [${v
              .slice(0, 4)
              .map((x) => x.toFixed(4))
              .join(", ")}, …] (${r.dims} dims)`,
        )
        .join("\n"),
    );
  },
};
