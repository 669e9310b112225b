// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Enums shared by the contracts and mirrored in src-shared/pouw-states.ts (order matters).
library PouwTypes {
    enum Role {
        None,
        Miner,
        Oracle
    }
    /// @dev What happened to a node's slot when it leaves a task; drives reputation.
    enum SlotOutcome {
        Released,
        Completed,
        Failed,
        TimedOut,
        Outlier
    }
}

interface INodePool {
    /// @notice Whether `node` is a staked, active oracle.
    function isActiveOracle(address node) external view returns (bool);
    /// @notice Draws k idle miners of a model (weighted, excluding `exclude`) and marks them busy.
    function selectAndLock(
        bytes32 modelId,
        uint256 k,
        uint256 seed,
        address[] calldata exclude
    ) external returns (address[] memory picked);
    /// @notice Frees miners leaving a task and records each one's outcome.
    function finishSlots(address[] calldata nodes, PouwTypes.SlotOutcome[] calldata outcomes) external;
}

interface IPouwTasks {
    /// @notice User tasks not yet ended (the incentive pool's demand signal).
    function openUserTasks() external view returns (uint256);
    /// @notice Opens a network-paid task (incentive pool only).
    function requestBackground(
        bytes32 modelId,
        uint8 k,
        uint32 topicIndex,
        string calldata topic,
        uint96 payment
    ) external returns (uint256 taskId);
    /// @notice Pays out everything credited to the caller.
    function withdraw() external;
}
