import type { DepsOf } from "~/server/deps.ts";
import { categorySelect } from "~/server/domain/products/select.ts";

/** Every category, for the catalog filter. A few dozen rows at most, so no paging. */
export async function listCategories(deps: DepsOf<"db">) {
  return deps.db.category.findMany({ orderBy: [{ name: "asc" }, { id: "asc" }], select: categorySelect });
}
