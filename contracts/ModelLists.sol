// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice The per-model lists selection walks, kept to the miners that can still be drawn:
/// withdrawn miners leave them, undrawable ones can be pruned, topping up lists them again.
abstract contract ModelLists {
    /// @notice Most models one miner may declare (bounds what leaving costs).
    uint256 public constant MAX_MODELS = 16;

    /// @notice Whether a miner declared a model (kept while it is pruned, cleared when it withdraws).
    mapping(address => mapping(bytes32 => bool)) public serves;
    mapping(bytes32 => address[]) internal _modelMiners;
    /// @dev Position + 1 of a miner in a model's list (0: not listed), and the models it declared.
    mapping(bytes32 => mapping(address => uint256)) internal _listed;
    mapping(address => bytes32[]) internal _modelsOf;

    function _list(bytes32 modelId, address miner) internal {
        if (serves[miner][modelId]) return;
        serves[miner][modelId] = true;
        _modelMiners[modelId].push(miner);
        _listed[modelId][miner] = _modelMiners[modelId].length;
        _modelsOf[miner].push(modelId);
    }

    /// @dev Back on every declared model's list (after a top-up).
    function _relist(address miner) internal {
        bytes32[] storage models = _modelsOf[miner];
        for (uint256 i; i < models.length; ++i) {
            bytes32 m = models[i];
            if (_listed[m][miner] != 0) continue;
            _modelMiners[m].push(miner);
            _listed[m][miner] = _modelMiners[m].length;
        }
    }

    /// @dev Off every list, models still declared (pruning).
    function _delist(address miner) internal {
        bytes32[] storage models = _modelsOf[miner];
        for (uint256 i; i < models.length; ++i) _removeFrom(models[i], miner);
    }

    /// @dev Off every list and every declaration (withdrawal); reputation stays with the address.
    function _unlist(address miner) internal {
        bytes32[] storage models = _modelsOf[miner];
        for (uint256 i; i < models.length; ++i) {
            _removeFrom(models[i], miner);
            serves[miner][models[i]] = false;
        }
        delete _modelsOf[miner];
    }

    /// @dev Swap-and-pop; a miner not listed (pruned earlier) is left alone.
    function _removeFrom(bytes32 modelId, address miner) internal {
        uint256 at = _listed[modelId][miner];
        if (at == 0) return;
        address[] storage list = _modelMiners[modelId];
        address last = list[list.length - 1];
        list[at - 1] = last;
        _listed[modelId][last] = at;
        list.pop();
        delete _listed[modelId][miner];
    }
}
