import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";

import { DataTable } from "~/app/(admin)/admin/_components/data-table.tsx";
import { tdClass } from "~/app/(admin)/admin/_components/ui.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";
import { formatKrw } from "~/app/_lib/format.ts";
import type { AppRouter } from "~/server/api/root.ts";

const t = adminKo.payments;

type Mismatch = inferRouterOutputs<AppRouter>["adminPayment"]["discrepancies"]["mismatches"][number];

function describe(mismatch: Mismatch) {
  if (mismatch.kind === "PAID_WITHOUT_ONE_CHARGE") {
    const { approvedCount, approvedAmount, totalAmount } = mismatch.detail;
    return t.paidWithoutOneCharge(approvedCount, formatKrw(approvedAmount), formatKrw(totalAmount));
  }
  return t.chargeOfUnpaidOrder(mismatch.detail.paymentId, formatKrw(mismatch.detail.amount));
}

/** Breaches of the ledger invariant (one approved charge of its total per paid order, none otherwise); normally empty. */
export function LedgerMismatches({ mismatches }: { mismatches: Mismatch[] }) {
  return (
    <>
      <p className="mb-3 text-sm text-zinc-600">{t.mismatchesIntro}</p>
      {mismatches.length === 0 ? (
        <p className="text-sm text-emerald-700" data-testid="mismatches-empty">
          {t.mismatchesEmpty}
        </p>
      ) : (
        <DataTable label={t.mismatchesListLabel} columns={Object.values(t.mismatchColumns)} framed={false}>
          {mismatches.map((mismatch) => (
            <tr key={`${mismatch.kind}-${mismatch.orderId}-${"paymentId" in mismatch.detail ? mismatch.detail.paymentId : ""}`} data-testid="mismatch-row">
              <td className={tdClass}>{t.mismatchKinds[mismatch.kind] ?? mismatch.kind}</td>
              <td className={`${tdClass} whitespace-nowrap`}>
                <Link href={`/admin/orders/${mismatch.orderId}`} className="font-mono text-xs text-brand-700 hover:underline">
                  {mismatch.orderId}
                </Link>
              </td>
              <td className={`${tdClass} whitespace-nowrap`}>{adminKo.orderStatus[mismatch.orderStatus] ?? mismatch.orderStatus}</td>
              <td className={tdClass}>{describe(mismatch)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}
