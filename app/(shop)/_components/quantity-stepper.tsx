"use client";

import { useId, useState } from "react";

type QuantityStepperProps = {
  value: number;
  max: number;
  /** Called with a whole number within 1…max; typing something else snaps back on blur. */
  onChange: (quantity: number) => void;
  /**
   * Told when typed input was not taken as typed: "invalid" (not a whole number ≥ 1; the last value stays) or
   * "over-max" (more than max; max is taken instead), so the page can say so instead of changing it silently.
   */
  onRejected?: (reason: "invalid" | "over-max", max: number) => void;
  /** Id of the page's message about this input (aria-describedby). */
  describedBy?: string;
  label: string;
  decreaseLabel: string;
  increaseLabel: string;
  isDisabled?: boolean;
};

/** − [n] + with a labelled number input. The server validates again; this only keeps honest input in range. */
export function QuantityStepper({ value, max, onChange, onRejected, describedBy, label, decreaseLabel, increaseLabel, isDisabled }: QuantityStepperProps) {
  const id = useId();
  const [draft, setDraft] = useState(String(value));
  const [shownValue, setShownValue] = useState(value);
  // A new value from outside (server refetch, stepper click) replaces whatever is being typed.
  if (shownValue !== value) {
    setShownValue(value);
    setDraft(String(value));
  }

  function commit(raw: string) {
    const parsed = Number(raw);
    if (raw.trim() === "" || !Number.isInteger(parsed) || parsed < 1) {
      setDraft(String(value));
      onRejected?.("invalid", max);
      return;
    }
    const next = Math.min(parsed, Math.max(1, max));
    setDraft(String(next));
    if (next !== value) onChange(next);
    if (next !== parsed) onRejected?.("over-max", max);
  }

  const buttonClass = "grid size-9 place-items-center text-lg text-zinc-700 hover:bg-zinc-100 disabled:cursor-not-allowed disabled:text-zinc-300";
  return (
    <div className="inline-flex items-center overflow-hidden rounded-md border border-zinc-300 bg-white">
      <button type="button" aria-label={decreaseLabel} disabled={isDisabled || value <= 1} onClick={() => onChange(value - 1)} className={buttonClass}>
        −
      </button>
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={1}
        max={Math.max(1, max)}
        step={1}
        value={draft}
        disabled={isDisabled}
        aria-describedby={describedBy}
        onChange={(event) => setDraft(event.target.value)}
        onBlur={(event) => commit(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter") {
            event.preventDefault();
            commit(event.currentTarget.value);
          }
        }}
        className="h-9 w-14 border-x border-zinc-300 text-center text-sm text-zinc-900 [appearance:textfield] [&::-webkit-inner-spin-button]:appearance-none"
      />
      <button type="button" aria-label={increaseLabel} disabled={isDisabled || value >= max} onClick={() => onChange(value + 1)} className={buttonClass}>
        +
      </button>
    </div>
  );
}
