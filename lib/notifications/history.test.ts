// The history queries (history.contract.ts) over every store mode.
import { STORE_MODES, storeModesForThisFile } from "@/testing/store-modes";
import { runHistoryQueryContract } from "./history.contract";

const modes = storeModesForThisFile();
for (const mode of STORE_MODES) {
  runHistoryQueryContract(mode, async ({ historyMax }) => ({ stores: await modes.fresh(mode, historyMax), cleanup: async () => {} }));
}
