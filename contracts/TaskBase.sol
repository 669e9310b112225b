// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {INodePool, PouwTypes} from "./IPouw.sol";

/// @notice Storage, events, errors and shared internals of the task state machine. Split from
/// PouwTasks only to keep each file readable; it deploys as one contract.
abstract contract TaskBase {
    uint256 public constant VERSION = 2;
    uint256 internal constant BPS = 10_000;
    uint8 public constant MAX_K = 16;
    /// @notice Network-paid (background) tasks need at least this many distinct miners.
    uint8 public constant MIN_NETWORK_K = 3;
    /// @notice Upper bound of the maxRevealBytes parameter (a reveal is calldata and an event).
    uint32 public constant MAX_REVEAL_CAP = 64 * 1024;
    uint40 internal constant MAX_WINDOW = 30 days;
    uint8 public constant MAX_PRIORITY = 4;
    bytes32 internal constant PLACEHOLDER = bytes32(uint256(1));

    /// @dev Order mirrored in src-shared/pouw-states.ts.
    enum State {
        Request,
        Create,
        Prepare,
        Start,
        Precommit,
        Commit,
        End
    }
    enum Outcome {
        Pending,
        Settled,
        Refunded
    }
    enum SlotStatus {
        Empty,
        Assigned,
        Acked,
        Precommitted,
        Revealed,
        Dropped
    }

    /// @dev The first slot (requester .. deadline) is everything a miner's step reads and writes,
    /// packed so each step touches one task slot. Background tasks are those the incentive pool requested.
    struct Task {
        address requester;
        State state;
        Outcome outcome;
        uint8 k;
        uint8 priority;
        uint8 live; // slots not dropped
        uint8 progressed; // live slots that finished the current state's step
        bool revealsClosed; // Commit: reveals over, PoI votes open
        uint40 deadline;
        uint96 escrow;
        // The block whose hash seeds the task's draws: the request's own block, unknown to any
        // transaction inside it, so no contract can see the draw and revert (see assign).
        uint64 drawBlock;
        bytes32 modelId;
    }

    struct Slot {
        address miner;
        SlotStatus status;
        uint8 rank; // precommit order: the speed rank
        bytes32 commitment; // pre-set to a placeholder at assignment so precommit rewrites a warm slot
    }

    struct TaskSpec {
        bytes32 modelId;
        bytes32 promptHash;
        string promptUri; // the prompt itself, or where to fetch it
        uint32 maxTokens;
        uint16 temperatureMilli;
        uint64 seed;
        uint8 k;
        uint8 priority;
    }

    struct Params {
        uint40[7] windows; // seconds allowed in each State (End unused)
        uint40 poiWindow;
        uint40 keeperGrace; // after a deadline plus this, anyone (not only oracles) may advance
        uint96 keeperFee; // paid from escrow to whoever advances or reassigns
        uint96 minSlotPrice; // a task pays at least k times this: no near-free task locks miners
        uint16 oracleFeeBps;
        uint16 creatorFeeBps;
        uint16 similarityThresholdBps;
        uint16 backgroundImportanceBps;
        uint8 oracleQuorum;
        uint32 maxRevealBytes; // inline reveal size (and hash-reveal URI length) cap
    }

    IERC20 public immutable token;
    INodePool public immutable pool;
    address public immutable incentivePool;
    Params internal _params;

    uint256 public taskCount;
    uint256 public openUserTasks;
    uint256 public totalEscrow;
    uint256 public totalOwed;
    mapping(uint256 => Task) internal _tasks;
    mapping(uint256 => mapping(uint256 => Slot)) internal _slots;
    mapping(uint256 => address) public creatorOf;
    /// @notice Index of the predefined topic a background task's creator writes about.
    mapping(uint256 => uint32) public creatorTopic;
    mapping(address => uint256) public owed;

    event TaskRequested(
        uint256 indexed taskId,
        address indexed requester,
        bytes32 indexed modelId,
        bool background,
        TaskSpec spec,
        uint96 payment
    );
    event DrawScheduled(uint256 indexed taskId, uint256 drawBlock);
    event StateChanged(uint256 indexed taskId, State from, State to, uint40 deadline);
    event CreatorAssigned(uint256 indexed taskId, address indexed miner, uint32 topicIndex);
    event SeedCreated(uint256 indexed taskId, address indexed miner, bytes32 seedHash, string seed);
    event PromptPrepared(uint256 indexed taskId, address indexed miner, bytes32 promptHash, string prompt);
    event MinerAssigned(uint256 indexed taskId, address indexed miner, uint8 slot, uint40 deadline);
    event Acked(uint256 indexed taskId, address indexed miner, uint8 slot);
    event Precommitted(uint256 indexed taskId, address indexed miner, uint8 slot, bytes32 commitment);
    event Revealed(
        uint256 indexed taskId,
        address indexed miner,
        uint8 slot,
        bytes32 outputHash,
        bool inline_,
        bytes data
    );
    event RevealsClosed(uint256 indexed taskId, uint40 poiDeadline);
    event SlotDeclined(uint256 indexed taskId, address indexed miner, uint8 slot);
    event SlotDropped(uint256 indexed taskId, address indexed miner, uint8 slot, State during);
    event SlotReassigned(uint256 indexed taskId, address indexed oldMiner, address indexed newMiner, uint8 slot);
    event PoiSubmitted(uint256 indexed taskId, address indexed oracle, bytes32 resultHash, uint16[] scoresBps);
    event PoiFinalized(uint256 indexed taskId, bytes32 resultHash);
    event Credited(uint256 indexed taskId, address indexed account, uint256 amount, uint8 kind);
    event Withdrawn(address indexed account, uint256 amount);

    error BadSpec();
    error PaymentTooLow(uint256 minimum);
    error RevealTooLarge(uint256 size, uint256 cap);
    error KeeperTooEarly(uint256 openAt);
    error ParamOutOfRange(string name);
    error WrongState(State actual);
    error DeadlinePassed();
    error DeadlineNotPassed();
    error NotAssigned();
    error BadSlotStatus(SlotStatus actual);
    error CommitmentMismatch();
    error NoMinersAvailable();
    error DrawNotReady(uint256 drawBlock);
    error NotOracle();
    error NotIncentivePool();
    error AlreadyVoted();
    error BadScores();
    error NothingToWithdraw();

    /// @dev Credit kinds in the Credited event.
    uint8 internal constant CREDIT_MINER = 0;
    uint8 internal constant CREDIT_ORACLE = 1;
    uint8 internal constant CREDIT_KEEPER = 2;
    uint8 internal constant CREDIT_CREATOR = 3;
    uint8 internal constant CREDIT_REFUND = 4;

    constructor(IERC20 token_, INodePool pool_, address incentivePool_, Params memory params_) {
        if (address(token_) == address(0) || address(pool_) == address(0) || incentivePool_ == address(0)) {
            revert ParamOutOfRange("address");
        }
        _checkParams(params_);
        token = token_;
        pool = pool_;
        incentivePool = incentivePool_;
        _params = params_;
    }

    modifier onlyOracle() {
        if (!pool.isActiveOracle(msg.sender)) revert NotOracle();
        _;
    }

    function _checkParams(Params memory p) internal pure {
        for (uint256 i; i < 6; ++i) {
            if (p.windows[i] == 0 || p.windows[i] > MAX_WINDOW) revert ParamOutOfRange("windows");
        }
        if (p.poiWindow == 0 || p.poiWindow > MAX_WINDOW) revert ParamOutOfRange("poiWindow");
        if (p.keeperGrace > MAX_WINDOW) revert ParamOutOfRange("keeperGrace");
        if (uint256(p.oracleFeeBps) + p.creatorFeeBps > BPS) revert ParamOutOfRange("fees");
        if (p.similarityThresholdBps > BPS) revert ParamOutOfRange("similarityThresholdBps");
        if (p.backgroundImportanceBps > BPS) revert ParamOutOfRange("backgroundImportanceBps");
        if (p.oracleQuorum == 0) revert ParamOutOfRange("oracleQuorum");
        if (p.maxRevealBytes == 0 || p.maxRevealBytes > MAX_REVEAL_CAP) revert ParamOutOfRange("maxRevealBytes");
        // The keeper fee comes out of escrow; a slot's minimum price must be able to cover it.
        if (p.keeperFee > p.minSlotPrice) revert ParamOutOfRange("keeperFee");
    }

    /// @dev Oracles keep tasks moving at the deadline; after the grace period anyone may, so a
    /// network without (honest) oracles never freezes a miner's stake.
    function _checkKeeper(Task storage t) internal view {
        if (block.timestamp <= t.deadline) revert DeadlineNotPassed();
        uint256 openAt = uint256(t.deadline) + _params.keeperGrace;
        if (block.timestamp <= openAt && !pool.isActiveOracle(msg.sender)) revert KeeperTooEarly(openAt);
    }

    /// @notice The protocol version of this deployment.
    function version() external pure returns (uint256) {
        return VERSION;
    }

    /// @notice The deployment's parameters (windows, fees, caps).
    function params() external view returns (Params memory) {
        return _params;
    }

    /// @notice A task's packed state.
    function getTask(uint256 taskId) external view returns (Task memory) {
        return _tasks[taskId];
    }

    /// @notice Whether the incentive pool (the network) pays for this task.
    function isBackground(uint256 taskId) public view returns (bool) {
        return _tasks[taskId].requester == incentivePool;
    }

    /// @notice One slot of a task: its miner, status, speed rank and commitment.
    function getSlot(uint256 taskId, uint256 slot) external view returns (Slot memory) {
        return _slots[taskId][slot];
    }

    function _setState(uint256 taskId, Task storage t, State to, uint40 window) internal {
        State from = t.state;
        t.state = to;
        t.progressed = 0;
        t.deadline = uint40(block.timestamp) + window;
        emit StateChanged(taskId, from, to, t.deadline);
    }

    /// @dev Moves escrow into an account's withdrawable balance; totals move in step (conservation).
    function _credit(uint256 taskId, Task storage t, address to, uint256 amount, uint8 kind) internal {
        if (amount == 0) return;
        t.escrow -= uint96(amount);
        owed[to] += amount;
        totalEscrow -= amount;
        totalOwed += amount;
        emit Credited(taskId, to, amount, kind);
    }

    function _payKeeper(uint256 taskId, Task storage t) internal {
        uint256 fee = _params.keeperFee < t.escrow ? _params.keeperFee : t.escrow;
        _credit(taskId, t, msg.sender, fee, CREDIT_KEEPER);
    }

    /// @dev Ends a task without settlement: releases its live miners and refunds the escrow.
    /// (A stalled creator is handled by PouwTasks._replaceCreator, never here.)
    function _refund(uint256 taskId, Task storage t) internal {
        uint256 n;
        address[] memory miners = new address[](t.k);
        for (uint256 i; i < t.k; ++i) {
            Slot storage s = _slots[taskId][i];
            if (s.status != SlotStatus.Empty && s.status != SlotStatus.Dropped) miners[n++] = s.miner;
        }
        _finishMiners(miners, n, PouwTypes.SlotOutcome.Released);
        _refundEscrow(taskId, t);
    }

    /// @dev Ends the task, returning whatever escrow is left to the requester.
    function _refundEscrow(uint256 taskId, Task storage t) internal {
        _credit(taskId, t, t.requester, t.escrow, CREDIT_REFUND);
        t.outcome = Outcome.Refunded;
        _end(taskId, t);
    }

    function _end(uint256 taskId, Task storage t) internal {
        if (t.requester != incentivePool) --openUserTasks;
        _setState(taskId, t, State.End, 0);
    }

    function _finishMiners(address[] memory miners, uint256 n, PouwTypes.SlotOutcome outcome) internal {
        if (n == 0) return;
        address[] memory list = new address[](n);
        PouwTypes.SlotOutcome[] memory outcomes = new PouwTypes.SlotOutcome[](n);
        for (uint256 i; i < n; ++i) {
            list[i] = miners[i];
            outcomes[i] = outcome;
        }
        pool.finishSlots(list, outcomes);
    }

    function _finishOne(address miner, PouwTypes.SlotOutcome outcome) internal {
        address[] memory list = new address[](1);
        list[0] = miner;
        _finishMiners(list, 1, outcome);
    }

    /// @dev Drops every live slot still in `waiting` status (it missed the deadline). A miner that
    /// never acked only timed out (no stake lost: it never took the work); one that acked and then
    /// abandoned it (no precommit, or a precommit never revealed) Failed and is slashed.
    function _dropStalled(uint256 taskId, Task storage t, SlotStatus waiting) internal {
        address[] memory stalled = new address[](t.k);
        uint256 n;
        for (uint256 i; i < t.k; ++i) {
            Slot storage s = _slots[taskId][i];
            if (s.status != waiting) continue;
            s.status = SlotStatus.Dropped;
            --t.live;
            stalled[n++] = s.miner;
            emit SlotDropped(taskId, s.miner, uint8(i), t.state);
        }
        _finishMiners(stalled, n, _stallOutcome(waiting));
    }

    function _stallOutcome(SlotStatus waiting) internal pure returns (PouwTypes.SlotOutcome) {
        return waiting == SlotStatus.Assigned ? PouwTypes.SlotOutcome.TimedOut : PouwTypes.SlotOutcome.Failed;
    }

    /// @dev Every draw of a task hashes the draw block's hash (fixed after the request), the task,
    /// a salt per draw kind and the current deadline (so each reassignment draws afresh). Whoever
    /// calls, and however often they revert, the same chain state gives the same draw.
    function _seed(uint256 taskId, uint256 salt) internal view returns (uint256) {
        Task storage t = _tasks[taskId];
        return uint256(keccak256(abi.encode(blockhash(t.drawBlock), taskId, salt, t.deadline)));
    }

    function _taskMiners(uint256 taskId, Task storage t) internal view returns (address[] memory list) {
        list = new address[](t.k);
        for (uint256 i; i < t.k; ++i) list[i] = _slots[taskId][i].miner;
    }
}
