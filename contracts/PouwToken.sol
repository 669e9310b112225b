// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice The network token: fixed supply minted once at deployment, so no later path can mint.
contract PouwToken is ERC20 {
    uint256 public constant VERSION = 1;

    constructor(address holder, uint256 supply) ERC20("PoUW Token", "POUW") {
        _mint(holder, supply);
    }
}
