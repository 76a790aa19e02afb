import { runStoreContract } from "./store-contract";
import { MemoryStore } from "./memory";

runStoreContract("embedded", async ({ historyMax }) => ({ store: new MemoryStore(historyMax), cleanup: async () => {} }));
