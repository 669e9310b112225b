// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PouwTypes} from "./IPouw.sol";
import {MinerSteps} from "./MinerSteps.sol";

/// @notice Deadlines: oracles keep tasks moving as soon as a deadline passes, anyone after the
/// keeper grace period; the caller is paid the keeper fee from escrow.
abstract contract TaskKeeper is MinerSteps {
    /// @notice After a deadline: refund, replace a stalled creator, or drop stalled slots and move on.
    function advance(uint256 taskId) external {
        Task storage t = _tasks[taskId];
        State st = t.state;
        if (st == State.End) revert WrongState(st);
        _checkKeeper(t);
        _payKeeper(taskId, t);
        if (st == State.Request) return _refund(taskId, t);
        if (st == State.Create || st == State.Prepare) return _replaceCreator(taskId, t);
        if (st == State.Commit && t.revealsClosed) return _refund(taskId, t); // PoI never reached quorum
        SlotStatus waiting =
            st == State.Start
                ? SlotStatus.Assigned
                : st == State.Precommit
                    ? SlotStatus.Acked
                    : SlotStatus.Precommitted;
        _dropStalled(taskId, t, waiting);
        if (t.live == 0) return _refund(taskId, t);
        if (st == State.Commit) return _closeReveals(taskId, t);
        _setState(taskId, t, st == State.Start ? State.Precommit : State.Commit, _params.windows[uint8(st) + 1]);
    }

    /// @notice After a Start or Precommit deadline, gives a stalled slot to another idle miner.
    function reassign(uint256 taskId, uint8 slot) external {
        Task storage t = _tasks[taskId];
        if (t.state != State.Start && t.state != State.Precommit) revert WrongState(t.state);
        _checkKeeper(t);
        Slot storage s = _slots[taskId][slot];
        SlotStatus waiting = t.state == State.Start ? SlotStatus.Assigned : SlotStatus.Acked;
        if (slot >= t.k || s.status != waiting) revert BadSlotStatus(s.status);
        address[] memory next = pool.selectAndLock(t.modelId, 1, _seed(taskId, 2 + slot), _taskMiners(taskId, t));
        if (next.length == 0) revert NoMinersAvailable();
        address old = s.miner;
        s.miner = next[0]; // keeps its status: in Precommit the newcomer starts acked
        t.deadline = uint40(block.timestamp) + _params.windows[uint8(t.state)];
        emit SlotReassigned(taskId, old, next[0], slot);
        emit MinerAssigned(taskId, next[0], slot, t.deadline);
        _finishOne(old, _stallOutcome(waiting));
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
}
