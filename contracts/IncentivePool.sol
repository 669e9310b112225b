// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {INodePool, IPouwTasks} from "./IPouw.sol";

/// @notice Funds network background tasks (pre-emptive data generation) while user demand is low,
/// within a budget per epoch. Refunds and slashed stake flow back here, so nothing leaves the network.
contract IncentivePool is Ownable {
    using SafeERC20 for IERC20;

    uint256 public constant VERSION = 2;
    /// @notice Network-paid tasks ask at least this many miners (one answer is its own medoid).
    uint8 public constant MIN_BACKGROUND_K = 3;

    IERC20 public immutable token;
    INodePool public immutable pool;
    uint40 public immutable epochLength;
    uint96 public immutable budgetPerEpoch;
    uint96 public immutable rewardPerTask;
    /// @dev Redundancy cap: a background task asks for k miners, MIN_BACKGROUND_K <= k <= maxBackgroundK.
    uint8 public immutable maxBackgroundK;
    /// @dev Background tasks are requested only while open user tasks are at most this many.
    uint32 public immutable lowDemandThreshold;
    IPouwTasks public tasks;

    string[] internal _topics;
    mapping(uint256 => uint256) public spentInEpoch;
    /// @notice sha256 of the one GGUF file an approved model id stands for (0: not approved).
    mapping(bytes32 => bytes32) public modelSha256;
    /// @notice The embedding model Proof of Inference compares outputs with, pinned the same way.
    bytes32 public embeddingModelId;
    bytes32 public embeddingModelSha256;

    event TopicAdded(uint256 indexed index, string topic);
    event BackgroundRequested(uint256 indexed taskId, uint256 indexed epoch, uint32 topicIndex, bytes32 modelId);
    event ModelApproved(bytes32 indexed modelId, bytes32 sha256);
    event EmbeddingModelPinned(bytes32 indexed modelId, bytes32 sha256);
    event Wired(address tasks);

    error TasksAlreadySet();
    error NoTopics();
    error DemandNotLow(uint256 openUserTasks);
    error EpochBudgetExhausted(uint256 epoch);
    error NotOracle();
    error BadK();
    error ModelNotApproved(bytes32 modelId);
    error NoEmbeddingModel();
    error ParamOutOfRange(string name);

    constructor(
        IERC20 token_,
        INodePool pool_,
        uint40 epochLength_,
        uint96 budgetPerEpoch_,
        uint96 rewardPerTask_,
        uint8 maxBackgroundK_,
        uint32 lowDemandThreshold_
    ) Ownable(msg.sender) {
        if (address(token_) == address(0) || address(pool_) == address(0)) revert ParamOutOfRange("address");
        if (epochLength_ == 0) revert ParamOutOfRange("epochLength");
        if (rewardPerTask_ == 0 || rewardPerTask_ > budgetPerEpoch_) revert ParamOutOfRange("rewardPerTask");
        if (maxBackgroundK_ < MIN_BACKGROUND_K || maxBackgroundK_ > 16) revert ParamOutOfRange("maxBackgroundK");
        token = token_;
        pool = pool_;
        epochLength = epochLength_;
        budgetPerEpoch = budgetPerEpoch_;
        rewardPerTask = rewardPerTask_;
        maxBackgroundK = maxBackgroundK_;
        lowDemandThreshold = lowDemandThreshold_;
    }

    /// @notice Wires the task manager, once.
    function wire(IPouwTasks tasks_) external onlyOwner {
        if (address(tasks) != address(0)) revert TasksAlreadySet();
        if (address(tasks_) == address(0)) revert ParamOutOfRange("tasks");
        tasks = tasks_;
        emit Wired(address(tasks_));
    }

    /// @notice The protocol version of this contract.
    function version() external pure returns (uint256) {
        return VERSION;
    }

    /// @notice Approves a model for network-paid tasks, pinned to its file's sha256 (0 withdraws it).
    function approveModel(bytes32 modelId, bytes32 fileSha256) external onlyOwner {
        modelSha256[modelId] = fileSha256;
        emit ModelApproved(modelId, fileSha256);
    }

    /// @notice Pins the Proof-of-Inference embedding model to its file's sha256.
    function pinEmbeddingModel(bytes32 modelId, bytes32 fileSha256) external onlyOwner {
        embeddingModelId = modelId;
        embeddingModelSha256 = fileSha256;
        emit EmbeddingModelPinned(modelId, fileSha256);
    }

    /// @notice Adds a predefined topic background creators write about.
    function addTopic(string calldata topic) external onlyOwner {
        _topics.push(topic);
        emit TopicAdded(_topics.length - 1, topic);
    }

    /// @notice Every predefined topic.
    function topics() external view returns (string[] memory) {
        return _topics;
    }

    /// @notice The budget epoch now.
    function currentEpoch() public view returns (uint256) {
        return block.timestamp / epochLength;
    }

    /// @notice Any registered oracle may start a background task for an approved model when demand is low.
    function requestBackgroundTask(bytes32 modelId, uint8 k) external returns (uint256 taskId) {
        if (!pool.isActiveOracle(msg.sender)) revert NotOracle();
        if (k < MIN_BACKGROUND_K || k > maxBackgroundK) revert BadK();
        if (modelSha256[modelId] == bytes32(0)) revert ModelNotApproved(modelId);
        if (embeddingModelSha256 == bytes32(0)) revert NoEmbeddingModel();
        if (_topics.length == 0) revert NoTopics();
        uint256 open = tasks.openUserTasks();
        if (open > lowDemandThreshold) revert DemandNotLow(open);
        uint256 epoch = currentEpoch();
        if (spentInEpoch[epoch] + rewardPerTask > budgetPerEpoch) revert EpochBudgetExhausted(epoch);
        spentInEpoch[epoch] += rewardPerTask;
        uint32 topicIndex = uint32(
            uint256(keccak256(abi.encode(block.prevrandao, block.number, msg.sender))) % _topics.length
        );
        token.forceApprove(address(tasks), rewardPerTask);
        taskId = tasks.requestBackground(modelId, k, topicIndex, _topics[topicIndex], rewardPerTask);
        emit BackgroundRequested(taskId, epoch, topicIndex, modelId);
    }

    /// @notice Pulls refunds of finished background tasks back into the pool (anyone may call).
    function reclaim() external {
        tasks.withdraw();
    }
}
