// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PouwTypes} from "./IPouw.sol";
import {PoiSettlement} from "./PoiSettlement.sol";

/// @notice What an assigned miner does on its own slot: ack (or decline), precommit, reveal.
abstract contract MinerSteps is PoiSettlement {
    /// @notice Takes the assigned work: from here on, abandoning it is slashed.
    function ack(uint256 taskId, uint8 slot) external {
        (Task storage t, Slot storage s) = _slotStep(taskId, slot, State.Start, SlotStatus.Assigned);
        s.status = SlotStatus.Acked;
        emit Acked(taskId, msg.sender, slot);
        if (++t.progressed == t.live) _setState(taskId, t, State.Precommit, _params.windows[uint8(State.Precommit)]);
    }

    /// @notice Turns an assignment down before acking it: the miner is idle again at no cost
    /// (no stake, no reputation). The slot is dropped; the task goes on with the others.
    function decline(uint256 taskId, uint8 slot) external {
        (Task storage t, Slot storage s) = _slotStep(taskId, slot, State.Start, SlotStatus.Assigned);
        s.status = SlotStatus.Dropped;
        --t.live;
        emit SlotDeclined(taskId, msg.sender, slot);
        emit SlotDropped(taskId, msg.sender, slot, State.Start);
        _finishOne(msg.sender, PouwTypes.SlotOutcome.Released);
        if (t.live == 0) return _refund(taskId, t);
        if (t.progressed == t.live) _setState(taskId, t, State.Precommit, _params.windows[uint8(State.Precommit)]);
    }

    /// @notice What a miner precommits on a slot: binds the output to this deployment, task, slot
    /// and miner, so an output (and salt) revealed elsewhere cannot be replayed here.
    function commitmentFor(
        uint256 taskId,
        uint8 slot,
        address miner,
        bytes32 outputHash,
        bytes32 salt
    ) public view returns (bytes32) {
        return keccak256(abi.encode(address(this), taskId, slot, miner, outputHash, salt));
    }

    /// @notice Commits to an output without showing it: `commitment` = commitmentFor(...).
    function precommit(uint256 taskId, uint8 slot, bytes32 commitment) external {
        (Task storage t, Slot storage s) = _slotStep(taskId, slot, State.Precommit, SlotStatus.Acked);
        s.status = SlotStatus.Precommitted;
        s.rank = t.progressed;
        s.commitment = commitment;
        emit Precommitted(taskId, msg.sender, slot, commitment);
        if (++t.progressed == t.live) _setState(taskId, t, State.Commit, _params.windows[uint8(State.Commit)]);
    }

    /// @notice Reveals the output inline (calldata + event, at most maxRevealBytes); only its hash is kept.
    function reveal(uint256 taskId, uint8 slot, bytes calldata output, bytes32 salt) external {
        _reveal(taskId, slot, keccak256(output), salt, true, output);
    }

    /// @notice Reveals only the content hash of a large output, with where to fetch its text.
    function revealHash(uint256 taskId, uint8 slot, bytes32 outputHash, bytes32 salt, string calldata uri) external {
        _reveal(taskId, slot, outputHash, salt, false, bytes(uri));
    }

    function _reveal(
        uint256 taskId,
        uint8 slot,
        bytes32 outputHash,
        bytes32 salt,
        bool inline_,
        bytes calldata data
    ) internal {
        (Task storage t, Slot storage s) = _slotStep(taskId, slot, State.Commit, SlotStatus.Precommitted);
        if (t.revealsClosed) revert WrongState(t.state);
        // Bounded so no reveal can outgrow what oracles embed or a block carries.
        if (data.length > _params.maxRevealBytes) revert RevealTooLarge(data.length, _params.maxRevealBytes);
        if (commitmentFor(taskId, slot, msg.sender, outputHash, salt) != s.commitment) revert CommitmentMismatch();
        // The output hash is only emitted: oracles and miners read it from the event.
        s.status = SlotStatus.Revealed;
        emit Revealed(taskId, msg.sender, slot, outputHash, inline_, data);
        if (++t.progressed == t.live) _closeReveals(taskId, t);
    }

    function _slotStep(
        uint256 taskId,
        uint8 slot,
        State state,
        SlotStatus expected
    ) internal view returns (Task storage t, Slot storage s) {
        t = _tasks[taskId];
        if (t.state != state) revert WrongState(t.state);
        if (block.timestamp > t.deadline) revert DeadlinePassed();
        s = _slots[taskId][slot];
        if (s.miner != msg.sender || slot >= t.k) revert NotAssigned();
        if (s.status != expected) revert BadSlotStatus(s.status);
    }

    function _closeReveals(uint256 taskId, Task storage t) internal {
        t.revealsClosed = true;
        t.deadline = uint40(block.timestamp) + _params.poiWindow;
        emit RevealsClosed(taskId, t.deadline);
    }
}
