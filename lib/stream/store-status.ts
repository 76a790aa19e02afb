// Whether this instance reaches its store, as its open streams hear it: the
// bus subscription breaking is the first sign (Redis or Upstash away), and it
// being live again the sign of the way back. Each change goes to every
// stream once (`event: store`), so a dashboard says "Delayed" rather than
// "Live" while publishes and history answer 503.
import type { Connection } from "./connection";
import { encodeJsonEvent } from "./encode";

const AWAY = encodeJsonEvent("store", { reachable: false });
const BACK = encodeJsonEvent("store", { reachable: true });

export class StoreStatus {
  private away = false;
  /** Times the bus subscription broke (metrics). */
  breaks = 0;

  constructor(private readonly connections: () => Iterable<Connection>) {}

  broke() {
    this.breaks++;
    this.tell(true);
  }

  resumed() {
    this.tell(false);
  }

  private tell(away: boolean) {
    if (away === this.away) return;
    this.away = away;
    for (const connection of this.connections()) if (connection.started) connection.send(away ? AWAY : BACK);
  }
}
