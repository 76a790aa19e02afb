// Password hashing with Node's scrypt: no native addon, and slow enough on
// purpose. Stored as "scrypt$<salt>$<hash>", both base64url.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";

const scryptOnce = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

/**
 * At most this many run at once per process (libuv's pool has four threads):
 * a flood of sign-ins waits its turn instead of taking every thread from the
 * rest of the server.
 */
const CONCURRENT_SCRYPTS = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function scrypt(password: string, salt: Buffer, keylen: number): Promise<Buffer> {
  while (running >= CONCURRENT_SCRYPTS) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await scryptOnce(password, salt, keylen);
  } finally {
    running--;
    waiting.shift()?.();
  }
}
const KEY_LENGTH = 32;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, KEY_LENGTH);
  return `scrypt$${salt.toString("base64url")}$${hash.toString("base64url")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const actual = await scrypt(password, Buffer.from(salt, "base64url"), expected.length);
  return timingSafeEqual(actual, expected);
}
