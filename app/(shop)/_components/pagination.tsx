import Link from "next/link";

import { catalogHref } from "~/app/(shop)/_lib/catalog-href.ts";
import type { CatalogParams } from "~/app/(shop)/_lib/catalog-params.ts";
import { ko } from "~/app/_i18n/ko.ts";

/** Page numbers to show: first, last and two either side of the current one; null marks a gap. */
function pageWindow(page: number, pageCount: number): (number | null)[] {
  const pages: (number | null)[] = [];
  for (let n = 1; n <= pageCount; n += 1) {
    const isEdge = n === 1 || n === pageCount;
    const isNear = Math.abs(n - page) <= 2;
    if (isEdge || isNear) pages.push(n);
    else if (pages.at(-1) !== null) pages.push(null);
  }
  return pages;
}

const baseItem = "grid h-9 min-w-9 place-items-center rounded-md px-3 text-sm font-medium";

/** Page links keep the current filters, sort and page size (params); only the page number changes. */
export function Pagination({ params, page, pageCount }: { params: CatalogParams; page: number; pageCount: number }) {
  if (pageCount <= 1 && page <= 1) return null;
  const hasPrevious = page > 1;
  const hasNext = page < pageCount;

  return (
    <nav aria-label={ko.catalog.pagination.label} className="mt-10 flex justify-center">
      <ul className="flex flex-wrap items-center gap-1">
        <li>
          {hasPrevious ? (
            <Link
              href={catalogHref({ ...params, page: Math.min(page - 1, pageCount) })}
              rel="prev"
              className={`${baseItem} border border-zinc-300 bg-white text-zinc-700 hover:bg-zinc-100`}
            >
              {ko.catalog.pagination.previous}
            </Link>
          ) : (
            <span aria-disabled="true" className={`${baseItem} border border-zinc-200 text-zinc-300`}>
              {ko.catalog.pagination.previous}
            </span>
          )}
        </li>

        {pageWindow(page, pageCount).map((n, index) =>
          n === null ? (
            <li key={`gap-${index}`} aria-hidden="true" className="px-1 text-zinc-400">
              …
            </li>
          ) : (
            <li key={n}>
              <Link
                href={catalogHref({ ...params, page: n })}
                aria-current={n === page ? "page" : undefined}
                className={
                  n === page
                    ? `${baseItem} bg-zinc-900 text-white`
                    : `${baseItem} border border-zinc-300 bg-white text-zinc-700 hover:bg-zinc-100`
                }
              >
                {n}
              </Link>
            </li>
          ),
        )}

        <li>
          {hasNext ? (
            <Link
              href={catalogHref({ ...params, page: page + 1 })}
              rel="next"
              className={`${baseItem} border border-zinc-300 bg-white text-zinc-700 hover:bg-zinc-100`}
            >
              {ko.catalog.pagination.next}
            </Link>
          ) : (
            <span aria-disabled="true" className={`${baseItem} border border-zinc-200 text-zinc-300`}>
              {ko.catalog.pagination.next}
            </span>
          )}
        </li>
      </ul>
    </nav>
  );
}
