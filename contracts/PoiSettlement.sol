// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PouwTypes} from "./IPouw.sol";
import {TaskBase} from "./TaskBase.sol";

/// @notice Proof of Inference votes and reward settlement. Oracles compute, off-chain, each slot's
/// cosine similarity (basis points) of its output embedding to the medoid output; the result is
/// final once `oracleQuorum` oracles submitted the same scores.
abstract contract PoiSettlement is TaskBase {
    mapping(uint256 => mapping(address => bool)) public poiVoted;
    mapping(uint256 => mapping(bytes32 => address[])) internal _poiVoters;

    /// @notice The hash oracles agree on; scores are per slot, 0 for slots that did not reveal.
    function poiResultHash(uint256 taskId, uint16[] memory scoresBps) public pure returns (bytes32) {
        return keccak256(abi.encode(taskId, scoresBps));
    }

    function poiVotes(uint256 taskId, bytes32 resultHash) external view returns (address[] memory) {
        return _poiVoters[taskId][resultHash];
    }

    function submitPoi(uint256 taskId, uint16[] calldata scoresBps) external onlyOracle {
        Task storage t = _tasks[taskId];
        if (t.state != State.Commit || !t.revealsClosed) revert WrongState(t.state);
        if (block.timestamp > t.deadline) revert DeadlinePassed();
        if (poiVoted[taskId][msg.sender]) revert AlreadyVoted();
        if (scoresBps.length != t.k) revert BadScores();
        for (uint256 i; i < scoresBps.length; ++i) {
            bool revealed = _slots[taskId][i].status == SlotStatus.Revealed;
            if (scoresBps[i] > BPS || (!revealed && scoresBps[i] != 0)) revert BadScores();
        }
        poiVoted[taskId][msg.sender] = true;
        bytes32 resultHash = poiResultHash(taskId, scoresBps);
        address[] storage voters = _poiVoters[taskId][resultHash];
        voters.push(msg.sender);
        emit PoiSubmitted(taskId, msg.sender, resultHash, scoresBps);
        if (voters.length == _params.oracleQuorum) {
            emit PoiFinalized(taskId, resultHash);
            _settle(taskId, t, scoresBps, voters);
        }
    }

    /// @notice Importance of a task in basis points: user tasks by priority, background below all.
    function importanceBps(bool background, uint8 priority) public view returns (uint256) {
        if (background) return _params.backgroundImportanceBps;
        return 6_000 + 1_000 * uint256(priority);
    }

    /// @dev reward_i = P * w_i / sum(w), w_i = s_i * (2n - r_i) over the n consensus miners, where
    /// r_i is the speed rank among them; P = (E - oracle fees) * importance. Rest goes back.
    function _settle(uint256 taskId, Task storage t, uint16[] calldata scores, address[] storage voters) internal {
        uint256 escrow = t.escrow;
        uint256 oracleShare = (escrow * _params.oracleFeeBps) / BPS / voters.length;
        for (uint256 i; i < voters.length; ++i) _credit(taskId, t, voters[i], oracleShare, CREDIT_ORACLE);

        uint256 k = t.k;
        address[] memory miners = new address[](k);
        PouwTypes.SlotOutcome[] memory outcomes = new PouwTypes.SlotOutcome[](k);
        uint256[] memory weights = new uint256[](k);
        uint256 n;
        uint256 live;
        for (uint256 i; i < k; ++i) {
            Slot storage s = _slots[taskId][i];
            if (s.status != SlotStatus.Revealed) continue;
            miners[live] = s.miner;
            bool consensus = scores[i] >= _params.similarityThresholdBps;
            outcomes[live++] = consensus ? PouwTypes.SlotOutcome.Completed : PouwTypes.SlotOutcome.Outlier;
            if (consensus) ++n;
        }
        uint256 totalWeight = _weights(taskId, k, scores, n, weights);
        uint256 minerPool = ((t.escrow) * importanceBps(t.background, t.priority)) / BPS;
        for (uint256 i; i < k && totalWeight > 0; ++i) {
            if (weights[i] == 0) continue;
            _credit(taskId, t, _slots[taskId][i].miner, (minerPool * weights[i]) / totalWeight, CREDIT_MINER);
        }
        _credit(taskId, t, t.requester, t.escrow, CREDIT_REFUND);
        t.outcome = Outcome.Settled;
        assembly {
            mstore(miners, live)
            mstore(outcomes, live)
        }
        pool.finishSlots(miners, outcomes);
        _end(taskId, t);
    }

    function _weights(uint256 taskId, uint256 k, uint16[] calldata scores, uint256 n, uint256[] memory weights)
        internal
        view
        returns (uint256 total)
    {
        uint16 threshold = _params.similarityThresholdBps;
        for (uint256 i; i < k; ++i) {
            Slot storage s = _slots[taskId][i];
            if (s.status != SlotStatus.Revealed || scores[i] < threshold) continue;
            uint256 rank;
            for (uint256 j; j < k; ++j) {
                Slot storage o = _slots[taskId][j];
                if (o.status == SlotStatus.Revealed && scores[j] >= threshold && o.rank < s.rank) ++rank;
            }
            weights[i] = uint256(scores[i]) * (2 * n - rank);
            total += weights[i];
        }
    }
}
