import { existsSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../../src-main/storage/atomic-file.js";
import { readDeploymentFile, type DeploymentCheck } from "../../src-main/chain/verify-deployment.js";

/**
 * A second copy of the devnet's deployment file, written after every good start. deployment.json
 * is read by people and tools and can be damaged; without it the devnet would deploy new
 * contracts on a chain that still has the old ones, and the user's stake would stay behind on
 * those. With the copy it reuses them.
 */
export function deploymentCopyFile(dataDir: string): string {
  return path.join(dataDir, ".deployment.last-good.json");
}

export async function writeDeploymentCopy(dataDir: string, text: string): Promise<void> {
  await writeFileAtomic(deploymentCopyFile(dataDir), text);
}

/**
 * The previous deployment: deployment.json, or its copy when that file is there but damaged
 * (then `warning` says so). A missing file is a first start, not damage.
 */
export async function readPreviousDeployment(
  file: string,
  dataDir: string,
): Promise<{ previous: DeploymentCheck; warning?: string }> {
  const previous = await readDeploymentFile(file);
  if (previous.ok || !existsSync(file)) return { previous };
  const copy = await readDeploymentFile(deploymentCopyFile(dataDir));
  if (copy.ok)
    return {
      previous: copy,
      warning: `${file} is damaged; using the copy from the last good start (${deploymentCopyFile(dataDir)})`,
    };
  return {
    previous,
    warning: `${file} is damaged and no good copy of it exists: new contracts will be deployed, and a stake on the old ones stays there`,
  };
}
