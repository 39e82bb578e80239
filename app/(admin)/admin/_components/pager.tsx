import Link from "next/link";

import { adminKo } from "~/app/_i18n/admin.ts";

const t = adminKo.common;

/** Previous/next links for a list whose page lives in the URL; `hrefFor` keeps the other filters. */
export function Pager({ page, pageCount, hrefFor }: { page: number; pageCount: number; hrefFor: (page: number) => string }) {
  if (pageCount <= 1) return null;
  return (
    <nav aria-label={t.pagination} className="mt-4 flex items-center justify-center gap-3 text-sm">
      {page > 1 ? (
        <Link href={hrefFor(page - 1)} className="rounded-md border border-zinc-300 px-3 py-1.5 hover:bg-zinc-100">
          {t.previous}
        </Link>
      ) : null}
      <span className="text-zinc-600">{t.page(page, pageCount)}</span>
      {page < pageCount ? (
        <Link href={hrefFor(page + 1)} className="rounded-md border border-zinc-300 px-3 py-1.5 hover:bg-zinc-100">
          {t.next}
        </Link>
      ) : null}
    </nav>
  );
}

/** "?a=1&b=2" from the values that are set, for filter links. */
export function queryString(values: Record<string, string | number | undefined | null>) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}
