// Every concern's contract suite, for one backend: embedded.test.ts,
// redis.test.ts and upstash.test.ts each run all of them (the history
// queries built on them run in lib/notifications/history.test.ts). A new
// concern adds its suite here; a new backend runs this.
import type { MakeStores } from "./contract-fixture";
import { runCredentialsContract } from "./credentials/contract";
import { runDirectoryContract } from "./directory/contract";
import { runFunnelContract } from "./funnel/contract";
import { runInboxContract } from "./inbox/contract";
import { runLimitsContract } from "./limits/contract";
import { runLargeHistoryContract, runLogContract } from "./log/contract";
import { runPresenceContract } from "./presence/contract";
import { runPushContract } from "./push/contract";
import { runEscalationsContract } from "./escalations/contract";

export function runStoreContracts(name: string, make: MakeStores) {
  runLogContract(name, make);
  runLargeHistoryContract(name, make);
  runInboxContract(name, make);
  runFunnelContract(name, make);
  runDirectoryContract(name, make);
  runCredentialsContract(name, make);
  runPresenceContract(name, make);
  runLimitsContract(name, make);
  runPushContract(name, make);
  runEscalationsContract(name, make);
}
