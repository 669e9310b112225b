import { getAddress, ZeroAddress } from "ethers";
import { PouwError } from "../../src-shared/errors.js";

/**
 * Where rewards may be sent: an address typed or pasted by the user, checked before any fee is asked
 * for. A mixed-case address must carry a valid EIP-55 checksum (a wrong one means a typo or a cut
 * paste); an all-lowercase or all-uppercase one carries none and is accepted as written. The
 * protocol's own contracts, the zero address and the wallet itself are refused: tokens sent there
 * are lost or go nowhere.
 */
export function checkWithdrawAddress(
  input: string,
  opts: { own: string; protocol: Readonly<Record<string, string>> },
): string {
  const text = input.trim();
  if (!/^0x[0-9a-fA-F]{40}$/.test(text))
    throw new PouwError("INVALID_PARAMS", "the address must be 0x followed by 40 hexadecimal digits");
  let address: string;
  try {
    address = getAddress(text);
  } catch {
    throw new PouwError(
      "INVALID_PARAMS",
      "the address's checksum (its mix of capital letters) is wrong: check it was copied whole",
    );
  }
  if (address === ZeroAddress) throw new PouwError("INVALID_PARAMS", "the zero address burns whatever is sent to it");
  if (address === getAddress(opts.own))
    throw new PouwError("INVALID_PARAMS", "that is this wallet's own address: send to another wallet");
  for (const [name, contract] of Object.entries(opts.protocol)) {
    if (address === getAddress(contract))
      throw new PouwError(
        "INVALID_PARAMS",
        `that is the protocol's ${name} contract, not a wallet: tokens sent there are lost`,
      );
  }
  return address;
}
