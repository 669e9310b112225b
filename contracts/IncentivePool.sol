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

    uint256 public constant VERSION = 1;

    IERC20 public immutable token;
    INodePool public immutable pool;
    uint40 public immutable epochLength;
    uint96 public immutable budgetPerEpoch;
    uint96 public immutable rewardPerTask;
    /// @dev Redundancy cap: a background task asks for k miners, 1 <= k <= maxBackgroundK.
    uint8 public immutable maxBackgroundK;
    /// @dev Background tasks are requested only while open user tasks are at most this many.
    uint32 public immutable lowDemandThreshold;
    IPouwTasks public tasks;

    string[] internal _topics;
    mapping(uint256 => uint256) public spentInEpoch;

    event TopicAdded(uint256 indexed index, string topic);
    event BackgroundRequested(uint256 indexed taskId, uint256 indexed epoch, uint32 topicIndex, bytes32 modelId);

    error TasksAlreadySet();
    error NoTopics();
    error DemandNotLow(uint256 openUserTasks);
    error EpochBudgetExhausted(uint256 epoch);
    error NotOracle();
    error BadK();

    constructor(
        IERC20 token_,
        INodePool pool_,
        uint40 epochLength_,
        uint96 budgetPerEpoch_,
        uint96 rewardPerTask_,
        uint8 maxBackgroundK_,
        uint32 lowDemandThreshold_
    ) Ownable(msg.sender) {
        token = token_;
        pool = pool_;
        epochLength = epochLength_;
        budgetPerEpoch = budgetPerEpoch_;
        rewardPerTask = rewardPerTask_;
        maxBackgroundK = maxBackgroundK_;
        lowDemandThreshold = lowDemandThreshold_;
    }

    function wire(IPouwTasks tasks_) external onlyOwner {
        if (address(tasks) != address(0)) revert TasksAlreadySet();
        tasks = tasks_;
    }

    function version() external pure returns (uint256) {
        return VERSION;
    }

    function addTopic(string calldata topic) external onlyOwner {
        _topics.push(topic);
        emit TopicAdded(_topics.length - 1, topic);
    }

    function topics() external view returns (string[] memory) {
        return _topics;
    }

    function currentEpoch() public view returns (uint256) {
        return block.timestamp / epochLength;
    }

    /// @notice Any registered oracle may start a background task when demand is low.
    function requestBackgroundTask(bytes32 modelId, uint8 k) external returns (uint256 taskId) {
        if (!pool.isActiveOracle(msg.sender)) revert NotOracle();
        if (k == 0 || k > maxBackgroundK) revert BadK();
        if (_topics.length == 0) revert NoTopics();
        uint256 open = tasks.openUserTasks();
        if (open > lowDemandThreshold) revert DemandNotLow(open);
        uint256 epoch = currentEpoch();
        if (spentInEpoch[epoch] + rewardPerTask > budgetPerEpoch) revert EpochBudgetExhausted(epoch);
        spentInEpoch[epoch] += rewardPerTask;
        uint32 topicIndex = uint32(uint256(keccak256(abi.encode(block.prevrandao, block.number, msg.sender))) % _topics.length);
        token.forceApprove(address(tasks), rewardPerTask);
        taskId = tasks.requestBackground(modelId, k, topicIndex, _topics[topicIndex], rewardPerTask);
        emit BackgroundRequested(taskId, epoch, topicIndex, modelId);
    }

    /// @notice Pulls refunds of finished background tasks back into the pool (anyone may call).
    function reclaim() external {
        tasks.withdraw();
    }
}
