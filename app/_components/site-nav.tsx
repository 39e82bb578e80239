"use client";

import { usePathname } from "next/navigation";
import { useEffect, useId, useRef, useState, type ReactNode } from "react";

/**
 * The header's one navigation, server-rendered once (its links, cart count and logout form arrive as children).
 * From `md` up it sits inline in the header; below that it is a drawer under the header, opened by a disclosure
 * button (aria-expanded, aria-controls). The drawer closes on Escape (focus back on the button), on a click outside,
 * when a link inside is followed and when the route changes.
 */
export function SiteNav({ label, menuLabel, children }: { label: string; menuLabel: string; children: ReactNode }) {
  const navId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const [isOpen, setIsOpen] = useState(false);
  const pathname = usePathname();
  const [openedOn, setOpenedOn] = useState(pathname);
  if (openedOn !== pathname) {
    setOpenedOn(pathname);
    setIsOpen(false);
  }

  useEffect(() => {
    if (!isOpen) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setIsOpen(false);
      buttonRef.current?.focus();
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [isOpen]);

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={isOpen}
        aria-controls={navId}
        onClick={() => setIsOpen((open) => !open)}
        className="grid size-11 shrink-0 place-items-center rounded-lg text-zinc-800 hover:bg-zinc-100 md:hidden"
      >
        <span className="sr-only">{menuLabel}</span>
        <svg aria-hidden="true" viewBox="0 0 24 24" className="size-6" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round">
          {isOpen ? <path d="M6 6l12 12M18 6L6 18" /> : <path d="M4 7h16M4 12h16M4 17h16" />}
        </svg>
      </button>

      {isOpen ? <div aria-hidden="true" onClick={() => setIsOpen(false)} className="fixed inset-x-0 top-14 bottom-0 z-30 bg-zinc-900/40 md:hidden" /> : null}

      <nav
        id={navId}
        aria-label={label}
        data-state={isOpen ? "open" : "closed"}
        onClick={(event) => {
          // Following a link (or submitting the logout form) ends the menu's job.
          if ((event.target as Element).closest("a, button[type=submit]")) setIsOpen(false);
        }}
        className={`${isOpen ? "block" : "hidden"} absolute inset-x-0 top-full z-40 max-h-[calc(100dvh-3.5rem)] overflow-y-auto border-b border-zinc-200 bg-white px-4 pt-2 pb-4 shadow-lg md:static md:block md:max-h-none md:overflow-visible md:border-0 md:bg-transparent md:p-0 md:shadow-none`}
      >
        {children}
      </nav>
    </>
  );
}
