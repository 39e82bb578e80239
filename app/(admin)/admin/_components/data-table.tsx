import type { ReactNode } from "react";

import { tableClass, thClass } from "~/app/(admin)/admin/_components/ui.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";

type DataTableProps = {
  /** The table's accessible name (e2e specs find tables by it). */
  label?: string;
  columns: readonly string[];
  /** A list page's bordered panel; unframed tables sit inside a Card, which already draws the box. */
  framed?: boolean;
  /** Shows the common "nothing here" note under the header row (list pages keep the header visible when empty). */
  isEmpty?: boolean;
  /** The body rows. */
  children: ReactNode;
};

/** The admin tables' shared frame: one header row of column labels, a divided body and the empty note. */
export function DataTable({ label, columns, framed = true, isEmpty = false, children }: DataTableProps) {
  return (
    <div className={framed ? "overflow-x-auto rounded-xl border border-zinc-200 bg-white" : "overflow-x-auto"}>
      <table className={tableClass} aria-label={label}>
        <thead className={framed ? "bg-zinc-50" : undefined}>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col" className={thClass}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">{children}</tbody>
      </table>
      {isEmpty ? <p className="p-6 text-center text-sm text-zinc-500">{adminKo.common.empty}</p> : null}
    </div>
  );
}
