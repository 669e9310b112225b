// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { beforeEach, describe, expect, it } from "vitest";
import { PouwError } from "../../src-shared/errors.js";
import { defaultSettings } from "../../src-shared/settings-schema.js";
import App from "../../src-renderer/src/App.svelte";
import { wei } from "../../src-renderer/src/lib/client/preview-fixtures.js";
import { fakeMain } from "./renderer-fake-main.js";

// Issue 17 item 4: rewards out to an external address, with the fee, main's address check and a
// confirmation in both units.
const g = globalThis as unknown as { location: { hash: string } };
const ADDRESS = "0x" + "2".repeat(40);
const DEST = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
const TOKEN_CONTRACT = "0x" + "7".repeat(40);
const wallet = {
  address: ADDRESS,
  nativeWei: wei(0.5),
  tokenWei: wei(40),
  stakeWei: wei(100),
  claimableWei: "0",
  backedUp: true,
  updatedAt: Date.now(),
};
const type = (label: string, value: string) => fireEvent.input(screen.getByLabelText(label), { target: { value } });
const isDisabled = (name: string) => screen.getByRole("button", { name }).hasAttribute("disabled");

beforeEach(() => {
  g.location.hash = "";
});

function mainWith(settings = defaultSettings()) {
  return fakeMain(
    { wallet, walletAddress: ADDRESS, settings, setup: { done: [], complete: true, wallet: "unlocked" } },
    () => ({
      estimateAction: ({ action, to }) => {
        if (action !== "withdrawTo") return { action, gasLimit: "21000", feeWei: wei(0.0001), affordable: true };
        if (to === TOKEN_CONTRACT)
          throw new PouwError(
            "INVALID_PARAMS",
            "that is the protocol's token contract, not a wallet: tokens sent there are lost",
          );
        return { action, gasLimit: "52000", feeWei: wei(0.0002), affordable: true };
      },
      withdrawTo: ({ amountWei }) => ({ txHash: "0x" + "d".repeat(64), amountWei }),
    }),
  );
}

async function openWallet() {
  g.location.hash = "#/wallet";
  await screen.findByRole("heading", { name: "Wallet", level: 1 });
  return screen.findByRole("region", { name: "Send POUW" });
}

describe("sending POUW to another wallet", () => {
  it("estimates the fee for the address, confirms the amount in POUW, wei and the user's currency, then sends", async () => {
    const main = mainWith({ ...defaultSettings(), pricePerToken: 0.5 });
    render(App, { client: main.client });
    const card = await openWallet();
    expect(isDisabled("Review")).toBe(true);
    await type("Address to send to", DEST);
    await type("Amount to send", "12.5");
    await waitFor(() => expect(card.textContent).toMatch(/Estimated fee: 0\.0002 ETH/));
    const estimate = main.client.calls.filter((c) => c.method === "estimateAction").at(-1)?.params;
    expect(estimate).toEqual({ action: "withdrawTo", amountWei: wei(12.5), to: DEST });
    await fireEvent.click(screen.getByRole("button", { name: "Review" }));

    const confirm = await screen.findByRole("group", { name: "Confirm sending" });
    expect(confirm.textContent).toContain("12.5 POUW");
    expect(confirm.textContent).toContain(DEST);
    expect(within(confirm).getByText("In wei").nextElementSibling?.textContent).toBe("12500000000000000000 wei");
    expect(within(confirm).getByText("Worth").nextElementSibling?.textContent).toBe("about $6.25 at your price");
    expect(main.client.calls.some((c) => c.method === "withdrawTo")).toBe(false);
    await fireEvent.click(within(confirm).getByRole("button", { name: "Confirm and send" }));
    expect(await screen.findByText(/Sent in transaction/)).toBeTruthy();
    expect(main.client.calls.find((c) => c.method === "withdrawTo")?.params).toEqual({
      to: DEST,
      amountWei: wei(12.5),
    });
  });

  it("says what is wrong with an address in one line and never offers to send there", async () => {
    const main = mainWith();
    render(App, { client: main.client });
    const card = await openWallet();
    await type("Address to send to", "0x1234");
    await type("Amount to send", "1");
    expect(within(card).getByRole("alert").textContent).toBe(
      "the address must be 0x followed by 40 hexadecimal digits",
    );
    expect(
      main.client.calls.some(
        (c) => c.method === "estimateAction" && (c.params as { action: string }).action === "withdrawTo",
      ),
    ).toBe(false);

    await type("Address to send to", TOKEN_CONTRACT);
    await waitFor(() =>
      expect(card.textContent).toMatch(/Estimated fee unavailable: that is the protocol's token contract/),
    );
    expect(isDisabled("Review")).toBe(true);
    await fireEvent.submit(screen.getByLabelText("Address to send to").closest("form")!);
    expect(screen.queryByRole("group", { name: "Confirm sending" })).toBeNull();
    expect(main.client.calls.some((c) => c.method === "withdrawTo")).toBe(false);
  });
});
