import { runStoreContracts } from "./contract";
import { embeddedStores } from "./embedded";

runStoreContracts("embedded", async ({ historyMax }) => ({ stores: embeddedStores(historyMax), cleanup: async () => {} }));
