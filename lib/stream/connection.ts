// One open stream: its response controller, who it is for, what it has
// been sent, and the one way it closes (whatever closes it).
import type { Notification } from "../shared/types";

export type StreamCredential = { kind: "token"; tokenId: string } | { kind: "session"; sessionId: string; expiresAt: number };

/** How long a replay waits between checks whether its client has read the previous page. */
const REPLAY_DRAIN_POLL_MS = 5;

export class Connection {
  readonly id = crypto.randomUUID();
  /** `connected` went out: nothing but it may be the stream's first event. */
  started = false;
  /** Live events are held back while the replay runs, then sent after it. */
  replaying = true;
  held: Notification[] = [];
  /** Inbox changes heard before `connected` was sent: they follow it (its version is read before them). */
  heldInbox: Uint8Array[] = [];
  /** The inbox version the admission read, when every change after it reached this stream (else `connected` reads it). */
  admittedInboxVersion: number | null = null;
  /** A session's sign-out after the admission checked it reached this hub: the store need not be asked again. */
  admittedWhileLive = false;
  /** Opened with a browser id: at its rotation the browser's next admission takes its slot over. */
  browserBound = false;
  /** Ended by its rotation: the slot is handed over, not released. */
  handsOverSlot = false;
  /** Set after a replay: live events at or before it were already sent. */
  sentUpTo: string | null;
  closed = false;
  /** Matched against revocations (credentialKey). */
  readonly credentialKey: string | null;

  constructor(
    readonly userId: string,
    readonly slotId: string | null,
    readonly credential: StreamCredential | null,
    public following: Set<string>,
    readonly deadline: number,
    lastEventId: string | null,
    private readonly controller: ReadableStreamDefaultController<Uint8Array>,
    private readonly queueMaxBytes: number,
    private readonly onClose: (connection: Connection) => void,
    private readonly onBacklog: (bytes: number) => void,
    /** Told when the stream is cut for a client that stopped reading. */
    private readonly onSlowClient: () => void = () => {},
  ) {
    this.sentUpTo = lastEventId;
    this.credentialKey = credential && credentialKey(credential);
  }

  send(chunk: Uint8Array) {
    if (this.closed) return;
    this.controller.enqueue(chunk);
    // desiredSize is minus the bytes the client has not read yet.
    const backlog = this.backlog();
    this.onBacklog(backlog);
    // A replay paces itself (waitForDrain); the cap is for live events a client does not read.
    if (!this.replaying && backlog > this.queueMaxBytes) {
      this.onSlowClient();
      this.fail(new Error("client is not reading"));
    }
  }

  /** Bytes enqueued that the client has not read yet. */
  backlog() {
    return -(this.controller.desiredSize ?? 0);
  }

  /**
   * Resolves once the client has read what was sent. Polled rather than
   * driven by pull(): a pull callback would cost a promise on every live chunk.
   */
  async waitForDrain() {
    while (!this.closed && this.backlog() > 0) await new Promise((r) => setTimeout(r, REPLAY_DRAIN_POLL_MS));
  }

  /** Ends the response normally (after the queued frames); also what an aborted request does. */
  end = () => {
    if (this.closed) return;
    this.release();
    this.controller.close();
  };

  /** Ends the response at once, dropping what is queued. */
  fail(reason: Error) {
    if (this.closed) return;
    this.release();
    this.controller.error(reason);
  }

  /** Idempotent: the abort signal, cancel(), end() and fail() all come here. */
  release = () => {
    if (this.closed) return;
    this.closed = true;
    this.held = [];
    this.heldInbox = [];
    this.onClose(this);
  };
}

/** What names a credential, without what a stream keeps of it. */
export type CredentialRef = { kind: "token"; tokenId: string } | { kind: "session"; sessionId: string };

/** The name a revocation goes by: matched against each stream's credential. */
export function credentialKey(credential: CredentialRef) {
  return credential.kind === "token" ? `token:${credential.tokenId}` : `session:${credential.sessionId}`;
}
