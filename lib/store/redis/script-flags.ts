// Lua scripts written for Upstash carry shebang flags that redis-server and
// Valkey reject; shared by the local Upstash endpoint and the plain-Redis store.
import { createHash } from "node:crypto";

export type Command = (string | number)[];

/**
 * Upstash accepts Lua shebang flags that redis-server 7.0 rejects (e.g.
 * @upstash/ratelimit's "allow-key-locking"). Scripts are run without those
 * flags, and EVALSHA of the original script's hash is mapped to the rewritten
 * one, so clients see the service's behaviour.
 */
const UNSUPPORTED_SCRIPT_FLAGS = new Set(["allow-key-locking"]);

function sha1(text: string) {
  return createHash("sha1").update(text).digest("hex");
}

function withoutUnsupportedFlags(script: string): string {
  const match = /^#!lua flags=([^\n]*)\n/.exec(script);
  if (!match) return script;
  const kept = match[1]!.split(",").filter((f) => f && !UNSUPPORTED_SCRIPT_FLAGS.has(f));
  // No flag left: no shebang at all, which Redis 6.2 (that knows none) can run too.
  return `${kept.length ? `#!lua flags=${kept.join(",")}\n` : ""}${script.slice(match[0].length)}`;
}

/** Rewrites EVAL / SCRIPT LOAD / EVALSHA (and their _RO forms) for the flags above. */
export function scriptRewriter() {
  const shaMap = new Map<string, string>();
  return (command: Command): Command => {
    const [name = "", ...args] = command;
    const upper = String(name).toUpperCase();
    if ((upper === "EVAL" || upper === "EVAL_RO") && typeof args[0] === "string") {
      const rewritten = withoutUnsupportedFlags(args[0]);
      if (rewritten !== args[0]) shaMap.set(sha1(args[0]), sha1(rewritten));
      return [name, rewritten, ...args.slice(1)];
    }
    if (upper === "SCRIPT" && String(args[0]).toUpperCase() === "LOAD" && typeof args[1] === "string") {
      const rewritten = withoutUnsupportedFlags(args[1]);
      if (rewritten !== args[1]) shaMap.set(sha1(args[1]), sha1(rewritten));
      return [name, args[0]!, rewritten];
    }
    if ((upper === "EVALSHA" || upper === "EVALSHA_RO") && typeof args[0] === "string") {
      return [name, shaMap.get(args[0].toLowerCase()) ?? args[0], ...args.slice(1)];
    }
    return command;
  };
}
