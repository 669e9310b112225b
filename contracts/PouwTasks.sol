// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {INodePool, PouwTypes} from "./IPouw.sol";
import {TaskBase} from "./TaskBase.sol";
import {TaskKeeper} from "./TaskKeeper.sol";

/// @notice The task state machine Request -> Create -> Prepare -> Start -> Precommit -> Commit -> End,
/// with escrow, miner assignment, commit-reveal, deadlines and pull-based withdrawals.
contract PouwTasks is TaskKeeper, ReentrancyGuard {
    using SafeERC20 for IERC20;

    constructor(
        IERC20 token_,
        INodePool pool_,
        address incentivePool_,
        Params memory params_
    ) TaskBase(token_, pool_, incentivePool_, params_) {}

    // ---- Request

    /// @notice Opens a user task paid by the caller (`payment` pulled with transferFrom); it must pay
    /// at least minSlotPrice per slot. Miners are drawn by `assign`, from a later block on.
    function requestTask(TaskSpec calldata spec, uint96 payment) external returns (uint256 taskId) {
        if (spec.k == 0 || spec.k > MAX_K || spec.priority > MAX_PRIORITY || payment == 0) revert BadSpec();
        _checkPrice(spec.k, payment);
        taskId = _open(msg.sender, spec.modelId, spec.k, spec.priority, payment);
        ++openUserTasks;
        emit TaskRequested(taskId, msg.sender, spec.modelId, false, spec, payment);
        token.safeTransferFrom(msg.sender, address(this), payment);
    }

    /// @notice Background task paid by the incentive pool (only it may call): at least
    /// MIN_NETWORK_K miners; a random miner first creates its content.
    function requestBackground(
        bytes32 modelId,
        uint8 k,
        uint32 topicIndex,
        string calldata topic,
        uint96 payment
    ) external returns (uint256 taskId) {
        if (msg.sender != incentivePool) revert NotIncentivePool();
        if (k < MIN_NETWORK_K || k > MAX_K || payment == 0) revert BadSpec();
        _checkPrice(k, payment);
        taskId = _open(msg.sender, modelId, k, 0, payment);
        TaskSpec memory spec = TaskSpec(modelId, bytes32(0), topic, 0, 0, 0, k, 0);
        emit TaskRequested(taskId, msg.sender, modelId, true, spec, payment);
        token.safeTransferFrom(msg.sender, address(this), payment);
        creatorTopic[taskId] = topicIndex;
    }

    /// @notice Draws the creator (background) or the k miners of a task waiting in Request, from
    /// any block after the request's (anyone may call; retried while nobody is idle). The seed is
    /// the request block's hash: fixed before this call, the same for every caller and retry.
    function assign(uint256 taskId) external {
        Task storage t = _tasks[taskId];
        if (t.state != State.Request) revert WrongState(t.state);
        if (block.timestamp > t.deadline) revert DeadlinePassed();
        uint256 at = t.drawBlock;
        if (block.number <= at) revert DrawNotReady(at);
        if (blockhash(at) == bytes32(0)) {
            // Older than the 256 hashes the EVM keeps: schedule a fresh draw on this block's hash.
            t.drawBlock = uint64(block.number);
            emit DrawScheduled(taskId, block.number);
            return;
        }
        if (!_tryAssign(taskId, t)) revert NoMinersAvailable();
    }

    function _checkPrice(uint8 k, uint96 payment) internal view {
        uint256 minimum = uint256(k) * _params.minSlotPrice;
        if (payment < minimum) revert PaymentTooLow(minimum);
    }

    function _open(
        address requester,
        bytes32 modelId,
        uint8 k,
        uint8 priority,
        uint96 payment
    ) internal returns (uint256 taskId) {
        taskId = ++taskCount;
        Task storage t = _tasks[taskId];
        t.requester = requester;
        t.k = k;
        t.priority = priority;
        t.escrow = payment;
        t.deadline = uint40(block.timestamp) + _params.windows[uint8(State.Request)];
        t.modelId = modelId;
        totalEscrow += payment;
        t.drawBlock = uint64(block.number);
        emit DrawScheduled(taskId, block.number);
    }

    function _tryAssign(uint256 taskId, Task storage t) internal returns (bool) {
        if (t.requester == incentivePool) {
            address[] memory one = pool.selectAndLock(t.modelId, 1, _seed(taskId, 0), new address[](0));
            if (one.length == 0) return false;
            creatorOf[taskId] = one[0];
            _setState(taskId, t, State.Create, _params.windows[uint8(State.Create)]);
            emit CreatorAssigned(taskId, one[0], creatorTopic[taskId]);
            return true;
        }
        return _assignMiners(taskId, t);
    }

    function _assignMiners(uint256 taskId, Task storage t) internal returns (bool) {
        address[] memory picked = pool.selectAndLock(t.modelId, t.k, _seed(taskId, 1), new address[](0));
        if (picked.length == 0) return false;
        _setState(taskId, t, State.Start, _params.windows[uint8(State.Start)]);
        t.live = t.k;
        for (uint256 i; i < picked.length; ++i) {
            _slots[taskId][i] = Slot(picked[i], SlotStatus.Assigned, 0, PLACEHOLDER);
            emit MinerAssigned(taskId, picked[i], uint8(i), t.deadline);
        }
        return true;
    }

    // ---- Create / Prepare (background tasks)

    /// @notice The creator's first step: the seed text its prompt grows from.
    function submitSeed(uint256 taskId, bytes32 seedHash, string calldata seedText) external {
        Task storage t = _creatorStep(taskId, State.Create);
        emit SeedCreated(taskId, msg.sender, seedHash, seedText);
        _setState(taskId, t, State.Prepare, _params.windows[uint8(State.Prepare)]);
    }

    /// @notice The creator's prompt; miners are drawn for it. The creator's fee is paid only at
    /// settlement, and only when a majority of the k outputs agree (see PoiSettlement).
    function submitPrompt(uint256 taskId, bytes32 promptHash, string calldata promptText) external {
        Task storage t = _creatorStep(taskId, State.Prepare);
        emit PromptPrepared(taskId, msg.sender, promptHash, promptText);
        _finishOne(msg.sender, PouwTypes.SlotOutcome.Completed);
        if (!_assignMiners(taskId, t)) {
            // Content exists but nobody can answer it now: return the budget to the pool.
            _refundEscrow(taskId, t);
        }
    }

    function _creatorStep(uint256 taskId, State expected) internal view returns (Task storage t) {
        t = _tasks[taskId];
        if (t.state != expected) revert WrongState(t.state);
        if (creatorOf[taskId] != msg.sender) revert NotAssigned();
        if (block.timestamp > t.deadline) revert DeadlinePassed();
    }

    // ---- Withdrawals

    /// @notice Pays out everything credited to the caller.
    function withdraw() external nonReentrant {
        uint256 amount = owed[msg.sender];
        if (amount == 0) revert NothingToWithdraw();
        owed[msg.sender] = 0;
        totalOwed -= amount;
        emit Withdrawn(msg.sender, amount);
        token.safeTransfer(msg.sender, amount);
    }
}
