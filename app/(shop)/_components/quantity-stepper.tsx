"use client";

import { useId, useState } from "react";

type QuantityStepperProps = {
  value: number;
  max: number;
  /** Called with a whole number within 1…max; typing something else snaps back on blur. */
  onChange: (quantity: number) => void;
  label: string;
  decreaseLabel: string;
  increaseLabel: string;
  isDisabled?: boolean;
};

/** − [n] + with a labelled number input. The server validates again; this only keeps honest input in range. */
export function QuantityStepper({ value, max, onChange, label, decreaseLabel, increaseLabel, isDisabled }: QuantityStepperProps) {
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
    if (!Number.isInteger(parsed) || parsed < 1) {
      setDraft(String(value));
      return;
    }
    const next = Math.min(parsed, Math.max(1, max));
    setDraft(String(next));
    if (next !== value) onChange(next);
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
