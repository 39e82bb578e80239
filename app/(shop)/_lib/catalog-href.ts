/** Catalog URLs. Kept apart from catalog-params.ts so client components do not pull in the domain module. */
export function catalogHref({ page, pageSize }: { page: number; pageSize: number }) {
  return `/?page=${page}&size=${pageSize}`;
}
