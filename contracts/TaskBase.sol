// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {INodePool, PouwTypes} from "./IPouw.sol";

/// @notice Storage, events, errors and shared internals of the task state machine. Split from
/// PouwTasks only to keep each file readable; it deploys as one contract.
abstract contract TaskBase {
    uint256 public constant VERSION = 1;
    uint256 internal constant BPS = 10_000;
    uint8 public constant MAX_K = 16;
    uint8 public constant MAX_PRIORITY = 4;
    bytes32 internal constant PLACEHOLDER = bytes32(uint256(1));

    /// @dev Order mirrored in src-shared/pouw-states.ts.
    enum State { Request, Create, Prepare, Start, Precommit, Commit, End }
    enum Outcome { Pending, Settled, Refunded }
    enum SlotStatus { Empty, Assigned, Acked, Precommitted, Revealed, Dropped }

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
        uint96 keeperFee; // paid from escrow to the oracle that advances or reassigns
        uint16 oracleFeeBps;
        uint16 creatorFeeBps;
        uint16 similarityThresholdBps;
        uint16 backgroundImportanceBps;
        uint8 oracleQuorum;
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
    mapping(address => uint256) public owed;

    event TaskRequested(uint256 indexed taskId, address indexed requester, bytes32 indexed modelId, bool background, TaskSpec spec, uint96 payment);
    event StateChanged(uint256 indexed taskId, State from, State to, uint40 deadline);
    event CreatorAssigned(uint256 indexed taskId, address indexed miner, uint32 topicIndex);
    event SeedCreated(uint256 indexed taskId, address indexed miner, bytes32 seedHash, string seed);
    event PromptPrepared(uint256 indexed taskId, address indexed miner, bytes32 promptHash, string prompt);
    event MinerAssigned(uint256 indexed taskId, address indexed miner, uint8 slot, uint40 deadline);
    event Acked(uint256 indexed taskId, address indexed miner, uint8 slot);
    event Precommitted(uint256 indexed taskId, address indexed miner, uint8 slot, bytes32 commitment);
    event Revealed(uint256 indexed taskId, address indexed miner, uint8 slot, bytes32 outputHash, bool inline_, bytes data);
    event SlotDropped(uint256 indexed taskId, address indexed miner, uint8 slot, State during);
    event SlotReassigned(uint256 indexed taskId, address indexed oldMiner, address indexed newMiner, uint8 slot);
    event PoiSubmitted(uint256 indexed taskId, address indexed oracle, bytes32 resultHash, uint16[] scoresBps);
    event PoiFinalized(uint256 indexed taskId, bytes32 resultHash);
    event Credited(uint256 indexed taskId, address indexed account, uint256 amount, uint8 kind);
    event Withdrawn(address indexed account, uint256 amount);

    error BadSpec();
    error WrongState(State actual);
    error DeadlinePassed();
    error DeadlineNotPassed();
    error NotAssigned();
    error BadSlotStatus(SlotStatus actual);
    error CommitmentMismatch();
    error NoMinersAvailable();
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
        token = token_;
        pool = pool_;
        incentivePool = incentivePool_;
        _params = params_;
    }

    modifier onlyOracle() {
        if (!pool.isActiveOracle(msg.sender)) revert NotOracle();
        _;
    }

    function version() external pure returns (uint256) {
        return VERSION;
    }

    function params() external view returns (Params memory) {
        return _params;
    }

    function getTask(uint256 taskId) external view returns (Task memory) {
        return _tasks[taskId];
    }

    function isBackground(uint256 taskId) public view returns (bool) {
        return _tasks[taskId].requester == incentivePool;
    }

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
    /// precommitted but never revealed counts as Failed: it may be withholding after seeing others.
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
        bool withheld = waiting == SlotStatus.Precommitted;
        _finishMiners(stalled, n, withheld ? PouwTypes.SlotOutcome.Failed : PouwTypes.SlotOutcome.TimedOut);
    }

    function _seed(uint256 taskId, uint256 salt) internal view returns (uint256) {
        return uint256(keccak256(abi.encode(block.prevrandao, blockhash(block.number - 1), taskId, salt)));
    }

    function _taskMiners(uint256 taskId, Task storage t) internal view returns (address[] memory list) {
        list = new address[](t.k);
        for (uint256 i; i < t.k; ++i) list[i] = _slots[taskId][i].miner;
    }
}
