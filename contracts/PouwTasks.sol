// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {INodePool, PouwTypes} from "./IPouw.sol";
import {PoiSettlement} from "./PoiSettlement.sol";
import {TaskBase} from "./TaskBase.sol";

/// @notice The task state machine Request -> Create -> Prepare -> Start -> Precommit -> Commit -> End,
/// with escrow, miner assignment, commit-reveal, deadlines and pull-based withdrawals.
contract PouwTasks is PoiSettlement, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @notice Index of the predefined topic a background task's creator writes about.
    mapping(uint256 => uint32) public creatorTopic;

    constructor(IERC20 token_, INodePool pool_, address incentivePool_, Params memory params_)
        TaskBase(token_, pool_, incentivePool_, params_)
    {}

    // ---- Request

    function requestTask(TaskSpec calldata spec, uint96 payment) external returns (uint256 taskId) {
        if (spec.k == 0 || spec.k > MAX_K || spec.priority > MAX_PRIORITY || payment == 0) revert BadSpec();
        taskId = _open(msg.sender, spec.modelId, spec.k, spec.priority, payment);
        ++openUserTasks;
        emit TaskRequested(taskId, msg.sender, spec.modelId, false, spec, payment);
        token.safeTransferFrom(msg.sender, address(this), payment);
        _tryAssign(taskId, _tasks[taskId]);
    }

    /// @notice Background task paid by the incentive pool; a random miner first creates its content.
    function requestBackground(bytes32 modelId, uint8 k, uint32 topicIndex, string calldata topic, uint96 payment)
        external
        returns (uint256 taskId)
    {
        if (msg.sender != incentivePool) revert NotIncentivePool();
        if (k == 0 || k > MAX_K || payment == 0) revert BadSpec();
        taskId = _open(msg.sender, modelId, k, 0, payment);
        TaskSpec memory spec = TaskSpec(modelId, bytes32(0), topic, 0, 0, 0, k, 0);
        emit TaskRequested(taskId, msg.sender, modelId, true, spec, payment);
        token.safeTransferFrom(msg.sender, address(this), payment);
        creatorTopic[taskId] = topicIndex;
        _tryAssign(taskId, _tasks[taskId]);
    }

    /// @notice Retries assignment of a task still waiting in Request (anyone may call).
    function assign(uint256 taskId) external {
        Task storage t = _tasks[taskId];
        if (t.state != State.Request) revert WrongState(t.state);
        if (block.timestamp > t.deadline) revert DeadlinePassed();
        if (!_tryAssign(taskId, t)) revert NoMinersAvailable();
    }

    function _open(address requester, bytes32 modelId, uint8 k, uint8 priority, uint96 payment)
        internal
        returns (uint256 taskId)
    {
        taskId = ++taskCount;
        Task storage t = _tasks[taskId];
        t.requester = requester;
        t.k = k;
        t.priority = priority;
        t.escrow = payment;
        t.deadline = uint40(block.timestamp) + _params.windows[uint8(State.Request)];
        t.modelId = modelId;
        totalEscrow += payment;
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

    function submitSeed(uint256 taskId, bytes32 seedHash, string calldata seedText) external {
        Task storage t = _creatorStep(taskId, State.Create);
        emit SeedCreated(taskId, msg.sender, seedHash, seedText);
        _setState(taskId, t, State.Prepare, _params.windows[uint8(State.Prepare)]);
    }

    function submitPrompt(uint256 taskId, bytes32 promptHash, string calldata promptText) external {
        Task storage t = _creatorStep(taskId, State.Prepare);
        emit PromptPrepared(taskId, msg.sender, promptHash, promptText);
        _credit(taskId, t, msg.sender, (uint256(t.escrow) * _params.creatorFeeBps) / BPS, CREDIT_CREATOR);
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

    // ---- Start / Precommit / Commit (assigned miners, each on its own slot)

    function ack(uint256 taskId, uint8 slot) external {
        (Task storage t, Slot storage s) = _slotStep(taskId, slot, State.Start, SlotStatus.Assigned);
        s.status = SlotStatus.Acked;
        emit Acked(taskId, msg.sender, slot);
        if (++t.progressed == t.live) _setState(taskId, t, State.Precommit, _params.windows[uint8(State.Precommit)]);
    }

    /// @param commitment keccak256(abi.encode(keccak256(output), salt, msg.sender)).
    function precommit(uint256 taskId, uint8 slot, bytes32 commitment) external {
        (Task storage t, Slot storage s) = _slotStep(taskId, slot, State.Precommit, SlotStatus.Acked);
        s.status = SlotStatus.Precommitted;
        s.rank = t.progressed;
        s.commitment = commitment;
        emit Precommitted(taskId, msg.sender, slot, commitment);
        if (++t.progressed == t.live) _setState(taskId, t, State.Commit, _params.windows[uint8(State.Commit)]);
    }

    /// @notice Reveals the output inline (calldata + event); only its hash is stored.
    function reveal(uint256 taskId, uint8 slot, bytes calldata output, bytes32 salt) external {
        _reveal(taskId, slot, keccak256(output), salt, true, output);
    }

    /// @notice Reveals only the content hash of a large output, with where to fetch its text.
    function revealHash(uint256 taskId, uint8 slot, bytes32 outputHash, bytes32 salt, string calldata uri) external {
        _reveal(taskId, slot, outputHash, salt, false, bytes(uri));
    }

    function _reveal(uint256 taskId, uint8 slot, bytes32 outputHash, bytes32 salt, bool inline_, bytes calldata data)
        internal
    {
        (Task storage t, Slot storage s) = _slotStep(taskId, slot, State.Commit, SlotStatus.Precommitted);
        if (t.revealsClosed) revert WrongState(t.state);
        if (keccak256(abi.encode(outputHash, salt, msg.sender)) != s.commitment) revert CommitmentMismatch();
        // The output hash is only emitted: oracles and miners read it from the event.
        s.status = SlotStatus.Revealed;
        emit Revealed(taskId, msg.sender, slot, outputHash, inline_, data);
        if (++t.progressed == t.live) _closeReveals(t);
    }

    function _slotStep(uint256 taskId, uint8 slot, State state, SlotStatus expected)
        internal
        view
        returns (Task storage t, Slot storage s)
    {
        t = _tasks[taskId];
        if (t.state != state) revert WrongState(t.state);
        if (block.timestamp > t.deadline) revert DeadlinePassed();
        s = _slots[taskId][slot];
        if (s.miner != msg.sender || slot >= t.k) revert NotAssigned();
        if (s.status != expected) revert BadSlotStatus(s.status);
    }

    function _closeReveals(Task storage t) internal {
        t.revealsClosed = true;
        t.deadline = uint40(block.timestamp) + _params.poiWindow;
    }

    // ---- Deadlines: any oracle keeps tasks moving

    /// @notice After a deadline: refund, replace a stalled creator, or drop stalled slots and move on.
    function advance(uint256 taskId) external onlyOracle {
        Task storage t = _tasks[taskId];
        State st = t.state;
        if (st == State.End) revert WrongState(st);
        if (block.timestamp <= t.deadline) revert DeadlineNotPassed();
        _payKeeper(taskId, t);
        if (st == State.Request) return _refund(taskId, t);
        if (st == State.Create || st == State.Prepare) return _replaceCreator(taskId, t);
        if (st == State.Commit && t.revealsClosed) return _refund(taskId, t); // PoI never reached quorum
        SlotStatus waiting = st == State.Start ? SlotStatus.Assigned : st == State.Precommit
            ? SlotStatus.Acked
            : SlotStatus.Precommitted;
        _dropStalled(taskId, t, waiting);
        if (t.live == 0) return _refund(taskId, t);
        if (st == State.Commit) return _closeReveals(t);
        _setState(taskId, t, st == State.Start ? State.Precommit : State.Commit, _params.windows[uint8(st) + 1]);
    }

    /// @notice After a Start or Precommit deadline, gives a stalled slot to another idle miner.
    function reassign(uint256 taskId, uint8 slot) external onlyOracle {
        Task storage t = _tasks[taskId];
        if (t.state != State.Start && t.state != State.Precommit) revert WrongState(t.state);
        if (block.timestamp <= t.deadline) revert DeadlineNotPassed();
        Slot storage s = _slots[taskId][slot];
        SlotStatus waiting = t.state == State.Start ? SlotStatus.Assigned : SlotStatus.Acked;
        if (slot >= t.k || s.status != waiting) revert BadSlotStatus(s.status);
        address[] memory next = pool.selectAndLock(t.modelId, 1, _seed(taskId, 2 + slot), _taskMiners(taskId, t));
        if (next.length == 0) revert NoMinersAvailable();
        address old = s.miner;
        s.miner = next[0];
        t.deadline = uint40(block.timestamp) + _params.windows[uint8(t.state)];
        emit SlotReassigned(taskId, old, next[0], slot);
        emit MinerAssigned(taskId, next[0], slot, t.deadline);
        _finishOne(old, PouwTypes.SlotOutcome.TimedOut);
        _payKeeper(taskId, t);
    }

    function _replaceCreator(uint256 taskId, Task storage t) internal {
        address old = creatorOf[taskId];
        address[] memory exclude = new address[](1);
        exclude[0] = old;
        address[] memory next = pool.selectAndLock(t.modelId, 1, _seed(taskId, 0), exclude);
        _finishOne(old, PouwTypes.SlotOutcome.TimedOut);
        if (next.length == 0) {
            creatorOf[taskId] = address(0);
            return _refundEscrow(taskId, t);
        }
        creatorOf[taskId] = next[0];
        t.deadline = uint40(block.timestamp) + _params.windows[uint8(t.state)];
        emit CreatorAssigned(taskId, next[0], creatorTopic[taskId]);
    }

    // ---- Withdrawals

    function withdraw() external nonReentrant {
        uint256 amount = owed[msg.sender];
        if (amount == 0) revert NothingToWithdraw();
        owed[msg.sender] = 0;
        totalOwed -= amount;
        emit Withdrawn(msg.sender, amount);
        token.safeTransfer(msg.sender, amount);
    }
}
