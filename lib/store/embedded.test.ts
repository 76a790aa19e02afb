import { runStoreContracts } from "./contract";
import { embeddedStores } from "./embedded/stores";

runStoreContracts("embedded", async ({ historyMax }) => ({ stores: embeddedStores(historyMax), cleanup: async () => {} }));
