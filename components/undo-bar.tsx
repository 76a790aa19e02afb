"use client";
// "Marked 12 read · Undo": for some seconds after an action on many, one
// click gives back exactly what it changed (the ids the server answered).
import { useEffect } from "react";

/** How long an Undo is offered. */
export const UNDO_MS = 10_000;

export interface UndoOffer {
  message: string;
  undo: () => void;
  /** Tells one offer from the next (each runs its own time). */
  key: number;
}

export function UndoBar({ offer, onDone }: { offer: UndoOffer; onDone: () => void }) {
  useEffect(() => {
    const timer = setTimeout(onDone, UNDO_MS);
    return () => clearTimeout(timer);
  }, [offer.key, onDone]);
  return (
    <div role="status" data-testid="undo-bar" className="fixed inset-x-4 bottom-4 z-40 mx-auto flex max-w-md items-center justify-between gap-3 rounded-xl bg-slate-900 px-4 py-3 text-sm text-white shadow-lg sm:inset-x-auto sm:left-4 dark:bg-slate-100 dark:text-slate-900">
      <span data-testid="undo-message">{offer.message}</span>
      <button
        type="button"
        data-testid="undo"
        onClick={() => {
          offer.undo();
          onDone();
        }}
        className="rounded-md px-2 py-1 font-semibold text-brand-300 hover:bg-white/10 dark:text-brand-600 dark:hover:bg-slate-900/10"
      >
        Undo
      </button>
    </div>
  );
}
