import type { BenchPart } from "../types.js";
import { workerPart } from "./worker.js";
import { protocolPart } from "./protocol.js";
import { minerPart } from "./miner.js";
import { uiPart } from "./ui.js";
import { networkPart } from "./network.js";
import { packagePart } from "./package.js";
import { layoutPart } from "./layout.js";
import { idlePart } from "./idle.js";
import { verifyPart } from "./verify.js";

/** Parts run in this order; each issue adds its own file here. */
export const parts: BenchPart[] = [
  workerPart,
  protocolPart,
  minerPart,
  uiPart,
  networkPart,
  packagePart,
  layoutPart,
  verifyPart,
  idlePart,
];
