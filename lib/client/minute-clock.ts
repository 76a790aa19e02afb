// One clock for every relative time on the page: it ticks at each minute's
// turn, and only the components that show a time re-render (they subscribe
// with useSyncExternalStore), never the feed around them.

const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setTimeout> | null = null;

function tick() {
  now = Date.now();
  for (const listener of listeners) listener();
  schedule();
}

function schedule() {
  timer = setTimeout(tick, 60_000 - (Date.now() % 60_000) + 50);
}

export function subscribeMinutes(onTick: () => void): () => void {
  listeners.add(onTick);
  if (!timer) {
    now = Date.now();
    schedule();
  }
  return () => {
    listeners.delete(onTick);
    if (!listeners.size && timer) {
      clearTimeout(timer);
      timer = null;
    }
  };
}

export function currentMinute(): number {
  return now;
}

/** Today in the reader's time zone, as a key that changes only at midnight (what a feed's day headings depend on). */
export function currentDay(): string {
  const d = new Date(now);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}
