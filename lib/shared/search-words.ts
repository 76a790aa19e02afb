// The words of a notification, as search indexes and matches them: its title
// and body, lowercased (NFKC, so "ﬁle" is "file"), split at anything that is
// not a letter or digit in any script. One function for the index and the
// query, so what is indexed is exactly what a query can name.

/** Shorter words are not indexed ("a", "I"): a query word must have this many letters. */
export const MIN_WORD = 2;
/** Longer ones (hashes, tokens) are not indexed. */
export const MAX_WORD = 40;
/** A notification indexes at most this many distinct words (its title's first). */
export const MAX_WORDS_INDEXED = 200;

function split(text: string): string[] {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= MIN_WORD && w.length <= MAX_WORD);
}

/** The distinct words a notification is found by. */
export function wordsOf(n: { title: string; body: string }): string[] {
  return [...new Set(split(`${n.title}\n${n.body}`))].slice(0, MAX_WORDS_INDEXED);
}

/** The words of a search: each must be among a notification's words for it to match. */
export function queryWords(q: string): string[] {
  return [...new Set(split(q))];
}

/** Whether the notification holds every one of `words` (queryWords). */
export function hasWords(n: { title: string; body: string }, words: string[]): boolean {
  if (!words.length) return true;
  const held = new Set(wordsOf(n));
  return words.every((w) => held.has(w));
}

/**
 * A notification's words as the log keeps them beside it: space-separated
 * and space-ended, so a word is found with a plain search for " word ".
 */
export function wordField(n: { title: string; body: string }): string {
  return ` ${wordsOf(n).join(" ")} `;
}
