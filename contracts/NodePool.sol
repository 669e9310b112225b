// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {INodePool, PouwTypes} from "./IPouw.sol";
import {ModelLists} from "./ModelLists.sol";

/// @notice Miners and oracles: stake, declared models and speed, unbonding, on-chain reputation,
/// and the fair (stake x reputation weighted) random choice of miners for a task.
contract NodePool is INodePool, ModelLists, Ownable, ReentrancyGuard {
    using SafeERC20 for IERC20;

    uint256 public constant VERSION = 2;

    /// @dev One storage slot, so selection and settlement read and write each node once.
    /// Reputation counters saturate at 65535.
    struct Node {
        uint96 stake;
        PouwTypes.Role role;
        bool busy;
        bool active;
        uint32 speed; // benchmarked tokens per second, as declared
        uint40 unbondAt;
        uint16 completed;
        uint16 failed;
        uint16 timedOut;
        uint16 outliers;
    }

    struct Reputation {
        uint16 completed;
        uint16 failed;
        uint16 timedOut;
        uint16 outliers;
    }

    IERC20 public immutable token;
    uint96 public immutable minStake;
    uint40 public immutable unbondingDelay;
    /// @dev Stake taken from a miner that abandons acked work (0 disables stake slashing).
    uint96 public immutable slashAmount;
    address public tasks;
    address public slashSink;

    mapping(address => Node) internal nodes;
    uint256 internal constant PROBATION_CREDIT = 2;
    uint256 internal constant REPUTATION_BASE = 10;
    uint256 internal constant REPUTATION_CAP = 48;

    event NodeRegistered(address indexed node, PouwTypes.Role role, uint96 stake, uint32 speed, bytes32[] models);
    event StakeAdded(address indexed node, uint96 amount);
    event UnbondRequested(address indexed node, uint40 unbondAt);
    event StakeWithdrawn(address indexed node, uint96 amount);
    event ReputationChanged(
        address indexed node,
        PouwTypes.SlotOutcome outcome,
        uint16 completed,
        uint16 failed,
        uint16 timedOut,
        uint16 outliers
    );
    event Slashed(address indexed node, uint96 amount);
    event Wired(address tasks, address slashSink);
    event Pruned(address indexed miner);

    error AlreadyRegistered();
    error NotRegistered();
    error BadRole();
    error StakeTooLow();
    error NoModels();
    error StillActive();
    error StillBonded(uint40 unbondAt);
    error NodeBusy();
    error NotTasks();
    error TasksAlreadySet();
    error LengthMismatch();
    error ParamOutOfRange(string name);

    modifier onlyTasks() {
        if (msg.sender != tasks) revert NotTasks();
        _;
    }

    constructor(IERC20 token_, uint96 minStake_, uint40 unbondingDelay_, uint96 slashAmount_) Ownable(msg.sender) {
        if (address(token_) == address(0)) revert ParamOutOfRange("token");
        if (minStake_ == 0) revert ParamOutOfRange("minStake");
        if (unbondingDelay_ == 0 || unbondingDelay_ > 365 days) revert ParamOutOfRange("unbondingDelay");
        if (slashAmount_ > minStake_) revert ParamOutOfRange("slashAmount");
        token = token_;
        minStake = minStake_;
        unbondingDelay = unbondingDelay_;
        slashAmount = slashAmount_;
    }

    /// @notice Wires the task manager (the only caller of lock/finish) and where slashed stake goes.
    function wire(address tasks_, address slashSink_) external onlyOwner {
        if (tasks != address(0)) revert TasksAlreadySet();
        if (tasks_ == address(0) || slashSink_ == address(0)) revert ParamOutOfRange("wire");
        tasks = tasks_;
        slashSink = slashSink_;
        emit Wired(tasks_, slashSink_);
    }

    /// @notice The protocol version of this contract.
    function version() external pure returns (uint256) {
        return VERSION;
    }

    /// @notice Registers the caller as a miner (serving `models`) or an oracle, staking `stake`.
    function register(PouwTypes.Role role, uint96 stake, uint32 speed, bytes32[] calldata models) external {
        Node storage n = nodes[msg.sender];
        if (n.role != PouwTypes.Role.None) revert AlreadyRegistered();
        if (role == PouwTypes.Role.None) revert BadRole();
        if (stake < minStake) revert StakeTooLow();
        if (role == PouwTypes.Role.Miner && (models.length == 0 || models.length > MAX_MODELS)) revert NoModels();
        // Reputation survives leaving and re-registering.
        n.stake = stake;
        n.role = role;
        n.active = true;
        n.speed = speed;
        n.unbondAt = 0;
        if (role == PouwTypes.Role.Miner) {
            for (uint256 i; i < models.length; ++i) _list(models[i], msg.sender);
        }
        emit NodeRegistered(msg.sender, role, stake, speed, models);
        token.safeTransferFrom(msg.sender, address(this), stake);
    }

    /// @notice Adds to the caller's stake.
    function addStake(uint96 amount) external {
        Node storage n = nodes[msg.sender];
        if (n.role == PouwTypes.Role.None) revert NotRegistered();
        n.stake += amount;
        emit StakeAdded(msg.sender, amount);
        if (n.active && n.stake >= minStake) _relist(msg.sender);
        token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Stops new assignments now; the stake can be withdrawn after the unbonding delay.
    function requestUnbond() external {
        Node storage n = nodes[msg.sender];
        if (n.role == PouwTypes.Role.None) revert NotRegistered();
        n.active = false;
        n.unbondAt = uint40(block.timestamp) + unbondingDelay;
        emit UnbondRequested(msg.sender, n.unbondAt);
    }

    /// @notice Returns the whole stake once unbonded, idle and past the unbonding delay.
    function withdrawStake() external nonReentrant {
        Node storage n = nodes[msg.sender];
        if (n.role == PouwTypes.Role.None) revert NotRegistered();
        if (n.active) revert StillActive();
        if (block.timestamp < n.unbondAt) revert StillBonded(n.unbondAt);
        if (n.busy) revert NodeBusy();
        uint96 amount = n.stake;
        n.stake = 0;
        n.role = PouwTypes.Role.None;
        n.unbondAt = 0;
        _unlist(msg.sender);
        emit StakeWithdrawn(msg.sender, amount);
        token.safeTransfer(msg.sender, amount);
    }

    /// @notice Takes a miner that cannot be drawn any more (unbonding, or stake below the minimum)
    /// off every model list, so selection stops paying to skip it (anyone may call). Topping the
    /// stake back up lists it again.
    function prune(address miner) external {
        Node storage n = nodes[miner];
        if (n.role != PouwTypes.Role.Miner) revert NotRegistered();
        if (n.active && n.stake >= minStake) revert StillActive();
        _delist(miner);
        emit Pruned(miner);
    }

    /// @notice Whether `node` is a staked, active oracle.
    function isActiveOracle(address node) external view returns (bool) {
        Node storage n = nodes[node];
        return n.role == PouwTypes.Role.Oracle && n.active && n.stake >= minStake;
    }

    /// @notice The miners listed for a model: registered and not withdrawn (selection skips busy or unbonding ones).
    function modelMiners(bytes32 modelId) external view returns (address[] memory) {
        return _modelMiners[modelId];
    }

    /// @notice A node's record.
    function getNode(address node) external view returns (Node memory) {
        return nodes[node];
    }

    /// @notice A node's reputation counters.
    function reputation(address node) external view returns (Reputation memory) {
        Node storage n = nodes[node];
        return Reputation(n.completed, n.failed, n.timedOut, n.outliers);
    }

    /// @notice Selection weight: stake x (2 + min(completed, 48)) / (10 + 2 x (failed + timedOut + outliers)).
    function weightOf(address miner) public view returns (uint256) {
        return _weight(nodes[miner]);
    }

    /// @dev Identity has a cost: a fresh address starts on probation at 1/5 of its stake's weight,
    /// reaches 1x after 8 settled tasks and up to 5x at 48; failures, timeouts and outliers lower it
    /// (each counts twice a completed task). Washing a record by re-registering restarts probation
    /// after the unbonding delay, so it pays only for records far worse than no record.
    function _weight(Node storage n) internal view returns (uint256) {
        uint256 good = PROBATION_CREDIT + (n.completed < REPUTATION_CAP ? n.completed : REPUTATION_CAP);
        uint256 bad = uint256(n.failed) + n.timedOut + n.outliers;
        return (uint256(n.stake) * good) / (REPUTATION_BASE + 2 * bad);
    }

    /// @notice Picks k distinct idle miners serving the model, weighted by stake and reputation,
    /// and marks them busy. Returns an empty array (locking nobody) when fewer than k are eligible.
    function selectAndLock(
        bytes32 modelId,
        uint256 k,
        uint256 seed,
        address[] calldata exclude
    ) external onlyTasks returns (address[] memory picked) {
        address[] storage all = _modelMiners[modelId];
        address[] memory cands = new address[](all.length);
        uint256[] memory weights = new uint256[](all.length);
        uint256 count;
        uint256 total;
        for (uint256 i; i < all.length; ++i) {
            address m = all[i];
            Node storage n = nodes[m];
            if (!_eligible(n, m, exclude)) continue;
            uint256 w = _weight(n);
            cands[count] = m;
            weights[count] = w;
            total += w;
            ++count;
        }
        if (count < k) return new address[](0);
        picked = new address[](k);
        for (uint256 j; j < k; ++j) {
            uint256 r = uint256(keccak256(abi.encode(seed, j))) % total;
            uint256 i;
            while (r >= weights[i]) r -= weights[i++];
            picked[j] = cands[i];
            total -= weights[i];
            weights[i] = 0;
            nodes[cands[i]].busy = true;
        }
    }

    function _eligible(Node storage n, address m, address[] calldata exclude) internal view returns (bool) {
        if (n.role != PouwTypes.Role.Miner || !n.active || n.busy || n.stake < minStake) return false;
        for (uint256 e; e < exclude.length; ++e) {
            if (exclude[e] == m) return false;
        }
        return true;
    }

    /// @notice Frees miners leaving a task and records how they did; stalls may also cost stake.
    function finishSlots(address[] calldata miners, PouwTypes.SlotOutcome[] calldata outcomes) external onlyTasks {
        if (miners.length != outcomes.length) revert LengthMismatch();
        for (uint256 i; i < miners.length; ++i) {
            _finish(miners[i], outcomes[i]);
        }
    }

    function _finish(address miner, PouwTypes.SlotOutcome outcome) internal {
        Node storage n = nodes[miner];
        n.busy = false;
        if (outcome == PouwTypes.SlotOutcome.Released) return;
        if (outcome == PouwTypes.SlotOutcome.Completed) n.completed = _inc(n.completed);
        else if (outcome == PouwTypes.SlotOutcome.Failed) n.failed = _inc(n.failed);
        else if (outcome == PouwTypes.SlotOutcome.TimedOut) n.timedOut = _inc(n.timedOut);
        else n.outliers = _inc(n.outliers);
        emit ReputationChanged(miner, outcome, n.completed, n.failed, n.timedOut, n.outliers);
        // Only abandoning acked work costs stake; an assignment never acked only costs reputation.
        if (outcome == PouwTypes.SlotOutcome.Failed && slashAmount > 0 && n.stake > 0) {
            uint96 cut = n.stake < slashAmount ? n.stake : slashAmount;
            n.stake -= cut;
            emit Slashed(miner, cut);
            token.safeTransfer(slashSink, cut);
        }
    }

    function _inc(uint16 x) internal pure returns (uint16) {
        return x == type(uint16).max ? x : x + 1;
    }
}
