// An id no other browser or tab will have: 128 random bits in hex.
// crypto.randomUUID exists only in secure contexts (https and localhost); a
// team that reaches its server by plain http on its own network must still
// get a live dashboard, and crypto.getRandomValues exists everywhere.
export function randomId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}
