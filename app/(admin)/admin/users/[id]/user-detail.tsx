"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";

import { AuditTable } from "~/app/(admin)/admin/_components/audit-table.tsx";
import { Badge, Card, PageHeading, tableClass, tdClass, thClass } from "~/app/(admin)/admin/_components/ui.tsx";
import { FormMessage, inputClass, secondaryButtonClass } from "~/app/_components/form.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";
import { formErrorMessage } from "~/app/_lib/form-errors.ts";
import { formatKrw, formatSeoulDateTime } from "~/app/_lib/format.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";

const t = adminKo.users;

/**
 * A member's account facts without personal data. "개인정보 보기" decrypts it on the server and records the view in
 * the audit log; the decrypted values live only in this component's state, never in the query cache.
 */
export function UserDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: user } = useSuspenseQuery(trpc.adminUser.get.queryOptions({ id }));
  const [reason, setReason] = useState("");
  const [notice, setNotice] = useState<string | null>(null);
  const refreshUser = () => queryClient.invalidateQueries({ queryKey: trpc.adminUser.get.queryKey({ id }) });
  const reveal = useMutation(trpc.adminUser.revealPersonalData.mutationOptions({ onSuccess: refreshUser }));
  const revoke = useMutation(trpc.adminUser.revokeSessions.mutationOptions({ onSuccess: () => setNotice(t.revoked) }));
  const personal = reveal.data;
  const revealError = formErrorMessage(reveal.error);

  return (
    <>
      <Link href="/admin/users" className="text-sm text-zinc-600 hover:underline">
        {t.back}
      </Link>
      <PageHeading
        actions={
          <button
            type="button"
            className={secondaryButtonClass}
            disabled={revoke.isPending}
            onClick={() => {
              if (window.confirm(t.revokeConfirm)) revoke.mutate({ userId: user.id });
            }}
          >
            {t.revoke}
          </button>
        }
      >
        {t.detailTitle(user.id)}
      </PageHeading>
      {notice ? <FormMessage tone="success">{notice}</FormMessage> : null}

      <div className="mt-4 grid gap-4 lg:grid-cols-2">
        <Card title={t.account}>
          <dl className="grid grid-cols-[8rem_1fr] gap-y-2 text-sm">
            <dt className="text-zinc-500">{t.role}</dt>
            <dd>
              <Badge tone={user.role === "ADMIN" ? "warn" : "neutral"}>{t.roles[user.role]}</Badge>
            </dd>
            <dt className="text-zinc-500">{t.createdAt}</dt>
            <dd>{formatSeoulDateTime(user.createdAt)}</dd>
            <dt className="text-zinc-500">{t.emailVerifiedAt}</dt>
            <dd>{user.emailVerifiedAt ? formatSeoulDateTime(user.emailVerifiedAt) : t.unverified}</dd>
            <dt className="text-zinc-500">{t.orderCount}</dt>
            <dd>{user.orderCount.toLocaleString("ko-KR")}</dd>
            <dt className="text-zinc-500">{t.addressCount}</dt>
            <dd>{user.addressCount.toLocaleString("ko-KR")}</dd>
          </dl>
        </Card>

        <Card title={t.personalData}>
          {personal ? (
            <dl className="grid grid-cols-[6rem_1fr] gap-y-2 text-sm" data-testid="user-personal-data">
              <dt className="text-zinc-500">{t.email}</dt>
              <dd>{personal.email}</dd>
              <dt className="text-zinc-500">{t.name}</dt>
              <dd>{personal.name}</dd>
              <dt className="text-zinc-500">{t.phone}</dt>
              <dd>{personal.phone ?? "-"}</dd>
              <dt className="text-zinc-500">{t.addresses}</dt>
              <dd>
                {personal.addresses.length === 0 ? (
                  "-"
                ) : (
                  <ul className="space-y-1">
                    {personal.addresses.map((address) => (
                      <li key={address.id}>
                        {address.label} {address.isDefault ? <Badge>{t.defaultAddress}</Badge> : null} · {address.recipient} · {address.phone} · ({address.postalCode}) {address.address1}{" "}
                        {address.address2 ?? ""}
                      </li>
                    ))}
                  </ul>
                )}
              </dd>
            </dl>
          ) : (
            <form
              className="space-y-3"
              onSubmit={(event) => {
                event.preventDefault();
                reveal.mutate({ id: user.id, reason: reason.trim() || undefined });
              }}
            >
              <p className="text-sm text-zinc-600">{t.personalDataHint}</p>
              <label className="block text-sm font-medium text-zinc-800">
                {t.revealReason}
                <input value={reason} onChange={(event) => setReason(event.target.value)} maxLength={200} className={inputClass} />
              </label>
              {revealError ? <FormMessage tone="error">{revealError}</FormMessage> : null}
              <button type="submit" disabled={reveal.isPending} className="h-10 rounded-lg bg-zinc-900 px-4 text-sm font-semibold text-white hover:bg-zinc-700 disabled:opacity-60">
                {reveal.isPending ? t.revealing : t.reveal}
              </button>
            </form>
          )}
        </Card>
      </div>

      <Card
        title={
          <span className="flex items-center justify-between gap-2">
            {t.recentOrders}
            <Link href={`/admin/orders?userId=${user.id}`} className="text-sm font-normal text-brand-700 hover:underline">
              {t.allOrders}
            </Link>
          </span>
        }
        className="mt-4"
      >
        {user.orders.length === 0 ? (
          <p className="text-sm text-zinc-500">{adminKo.common.empty}</p>
        ) : (
          <table className={tableClass}>
            <thead>
              <tr>
                <th scope="col" className={thClass}>{adminKo.orders.columns.id}</th>
                <th scope="col" className={thClass}>{adminKo.orders.columns.status}</th>
                <th scope="col" className={thClass}>{adminKo.orders.columns.sale}</th>
                <th scope="col" className={thClass}>{adminKo.orders.columns.total}</th>
                <th scope="col" className={thClass}>{adminKo.orders.columns.createdAt}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {user.orders.map((order) => (
                <tr key={order.id}>
                  <td className={`${tdClass} font-mono text-xs`}>
                    <Link href={`/admin/orders/${order.id}`} className="text-brand-700 hover:underline">
                      {order.id}
                    </Link>
                  </td>
                  <td className={tdClass}>{adminKo.orderStatus[order.status]}</td>
                  <td className={tdClass}>{order.saleId ? `#${order.saleId}` : "-"}</td>
                  <td className={tdClass}>{formatKrw(order.totalAmount)}</td>
                  <td className={tdClass}>{formatSeoulDateTime(order.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>

      <Card title={t.audit} className="mt-4">
        <AuditTable entries={user.audit} />
      </Card>
    </>
  );
}
