import { Contract, ContractFactory, parseEther, type InterfaceAbi } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForReceipt } from "../../src-main/chain/provider.js";
import { outputHashOf, readSlots } from "../../src-main/chain/task-views.js";
import { drawTask, MODEL, nodeOf, startChain, type Chain } from "./fixture.js";
import { compileSolidity } from "./solidity.js";

// Issue 13: a contract could read the selection seed inside the requesting (or reassigning)
// transaction and revert until the draw suited it. This attacker draws and reverts unless its own
// miner got slot 0, twice per task in two blocks, before an honest party draws.
const ATTACKER = `
pragma solidity ^0.8.24;
interface ITasks {
    struct Slot { address miner; uint8 status; uint8 rank; bytes32 commitment; }
    function assign(uint256 taskId) external;
    function getSlot(uint256 taskId, uint256 slot) external view returns (Slot memory);
}
contract DrawAttacker {
    error Lost();
    ITasks public immutable tasks;
    address public immutable mine;
    constructor(ITasks tasks_, address mine_) { tasks = tasks_; mine = mine_; }
    function drawOrRevert(uint256 taskId) external {
        tasks.assign(taskId);
        if (tasks.getSlot(taskId, 0).miner != mine) revert Lost();
    }
}`;

const TASKS = 200;
const TRIES_PER_TASK = 2;
const MINERS = 4;
let chain: Chain;

beforeAll(async () => {
  chain = await startChain({ miners: MINERS, oracles: 1, requesters: 1 });
});
afterAll(async () => {
  await chain?.stop();
});

describe("act-and-revert against the draw", () => {
  it(`wins no more than fair odds (1/${MINERS}) over ${TASKS} tasks`, async () => {
    const { abi, bytecode } = await compileSolidity(ATTACKER, "DrawAttacker");
    const mine = chain.miners[0]!;
    const factory = new ContractFactory(abi as InterfaceAbi, bytecode, chain.owner.wallet);
    const deployed = await factory.deploy(chain.deployment.contracts.tasks, mine.address);
    await waitForReceipt(chain.provider, deployed.deploymentTransaction()!.hash);
    const attacker = new Contract(await deployed.getAddress(), abi as InterfaceAbi, chain.owner.wallet);
    const requester = chain.requesters[0]!;
    await requester.c.token.send("approve", chain.deployment.contracts.tasks, parseEther("1000000"));
    const spec = {
      modelId: MODEL,
      promptHash: outputHashOf("p"),
      promptUri: "p",
      maxTokens: 8,
      temperatureMilli: 0,
      seed: 1,
      k: 1,
      priority: 0,
    };

    let attackerTxWins = 0;
    let won = 0;
    for (let i = 0; i < TASKS; i++) {
      await requester.c.tasks.send("requestTask", spec, parseEther("1"));
      const taskId = await requester.c.tasks.read("taskCount");
      let drawn = false;
      for (let t = 0; t < TRIES_PER_TASK && !drawn; t++) {
        // A fixed gas limit, so each try is mined (and reverted) in its own block.
        const tx = (await attacker.getFunction("drawOrRevert")(taskId, { gasLimit: 1_000_000 })) as { hash: string };
        drawn = (await waitForReceipt(chain.provider, tx.hash)).status === 1;
      }
      if (drawn) attackerTxWins++;
      else await drawTask(requester, taskId);
      const [slot] = await readSlots(chain.owner.c.tasks, taskId, 1);
      if (slot!.miner === mine.address) won++;
      // The winner declines (no cost): every miner is idle again for the next task.
      await nodeOf(chain, slot!.miner).c.tasks.send("decline", taskId, 0);
    }
    // Reverting never changed a draw: the attacker's own transactions won exactly the tasks it won.
    expect(attackerTxWins).toBe(won);
    const fair = TASKS / MINERS;
    const sigma = Math.sqrt(TASKS * (1 / MINERS) * (1 - 1 / MINERS));
    // With a re-rollable seed two tries would win ~44%; fair odds are 25% (4σ ≈ 37.5%).
    expect(won).toBeLessThanOrEqual(fair + 4 * sigma);
    expect(won).toBeGreaterThanOrEqual(fair - 4 * sigma);
  }, 240_000);
});
