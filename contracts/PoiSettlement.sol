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

    /// @notice The oracles that voted for a result hash.
    function poiVotes(uint256 taskId, bytes32 resultHash) external view returns (address[] memory) {
        return _poiVoters[taskId][resultHash];
    }

    /// @notice An oracle's vote: each slot's similarity score (bps) to the medoid output.
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
        bytes32 resultHash = poiResultHash(taskId, scoresBps);
        emit PoiSubmitted(taskId, msg.sender, resultHash, scoresBps);
        address[] memory voters;
        if (_params.oracleQuorum <= 1) {
            // One vote is final: nothing to remember for later votes.
            voters = new address[](1);
            voters[0] = msg.sender;
        } else {
            poiVoted[taskId][msg.sender] = true;
            address[] storage stored = _poiVoters[taskId][resultHash];
            stored.push(msg.sender);
            if (stored.length < _params.oracleQuorum) return;
            voters = stored;
        }
        emit PoiFinalized(taskId, resultHash);
        _settle(taskId, t, scoresBps, voters);
    }

    /// @notice Importance of a task in basis points: user tasks by priority, background below all.
    function importanceBps(bool background, uint8 priority) public view returns (uint256) {
        if (background) return _params.backgroundImportanceBps;
        return 6_000 + 1_000 * uint256(priority);
    }

    /// @dev reward_i = P * w_i / sum(w), w_i = s_i * (2n - r_i) over the n consensus miners, where
    /// r_i is the speed rank among them; P = (E - creator and oracle fees) * importance. A
    /// network-paid task pays its creator and miners only when it settles consistently (a majority
    /// of its k slots agree): a lone or junk answer earns the network's budget nothing.
    function _settle(uint256 taskId, Task storage t, uint16[] calldata scores, address[] memory voters) internal {
        (uint256[] memory weights, uint256 totalWeight, uint256 agreeing) = _weights(taskId, t.k, scores);
        bool background = t.requester == incentivePool;
        bool paysMiners = !background || agreeing * 2 > t.k;
        if (background && paysMiners) {
            _credit(taskId, t, creatorOf[taskId], (uint256(t.escrow) * _params.creatorFeeBps) / BPS, CREDIT_CREATOR);
        }
        uint256 oracleShare = (uint256(t.escrow) * _params.oracleFeeBps) / BPS / voters.length;
        for (uint256 i; i < voters.length; ++i) _credit(taskId, t, voters[i], oracleShare, CREDIT_ORACLE);
        if (paysMiners) _payMiners(taskId, t, weights, totalWeight, background);
        _credit(taskId, t, t.requester, t.escrow, CREDIT_REFUND);
        t.outcome = Outcome.Settled;
        _finishRevealed(taskId, t.k, scores);
        _end(taskId, t);
    }

    function _payMiners(
        uint256 taskId,
        Task storage t,
        uint256[] memory weights,
        uint256 totalWeight,
        bool background
    ) internal {
        uint256 minerPool = (uint256(t.escrow) * importanceBps(background, t.priority)) / BPS;
        for (uint256 i; i < weights.length; ++i) {
            if (weights[i] == 0) continue;
            _credit(taskId, t, _slots[taskId][i].miner, (minerPool * weights[i]) / totalWeight, CREDIT_MINER);
        }
    }

    function _isConsensus(Slot storage s, uint16 score) internal view returns (bool) {
        return s.status == SlotStatus.Revealed && score >= _params.similarityThresholdBps;
    }

    function _weights(
        uint256 taskId,
        uint256 k,
        uint16[] calldata scores
    ) internal view returns (uint256[] memory weights, uint256 total, uint256 n) {
        weights = new uint256[](k);
        for (uint256 i; i < k; ++i) if (_isConsensus(_slots[taskId][i], scores[i])) ++n;
        for (uint256 i; i < k; ++i) {
            Slot storage s = _slots[taskId][i];
            if (!_isConsensus(s, scores[i])) continue;
            uint256 rank;
            for (uint256 j; j < k; ++j) {
                Slot storage o = _slots[taskId][j];
                if (_isConsensus(o, scores[j]) && o.rank < s.rank) ++rank;
            }
            weights[i] = uint256(scores[i]) * (2 * n - rank);
            total += weights[i];
        }
    }

    /// @dev Consensus miners gain reputation, outliers lose it; all revealed miners become idle.
    function _finishRevealed(uint256 taskId, uint256 k, uint16[] calldata scores) internal {
        address[] memory miners = new address[](k);
        PouwTypes.SlotOutcome[] memory outcomes = new PouwTypes.SlotOutcome[](k);
        uint256 n;
        for (uint256 i; i < k; ++i) {
            Slot storage s = _slots[taskId][i];
            if (s.status != SlotStatus.Revealed) continue;
            miners[n] = s.miner;
            outcomes[n++] =
                _isConsensus(s, scores[i]) ? PouwTypes.SlotOutcome.Completed : PouwTypes.SlotOutcome.Outlier;
        }
        assembly {
            mstore(miners, n)
            mstore(outcomes, n)
        }
        pool.finishSlots(miners, outcomes);
    }
}
