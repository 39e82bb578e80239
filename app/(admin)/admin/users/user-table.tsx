"use client";

import { useMutation, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";

import { Pager, queryString } from "~/app/(admin)/admin/_components/pager.tsx";
import { DataTable } from "~/app/(admin)/admin/_components/data-table.tsx";
import { Badge, selectClass, tdClass } from "~/app/(admin)/admin/_components/ui.tsx";
import { FormMessage, inputClass, secondaryButtonClass } from "~/app/_components/form.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";
import { formErrorMessage } from "~/app/_lib/form-errors.ts";
import { formatSeoulDateTime } from "~/app/_lib/format.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";

const t = adminKo.users;

type Filters = { page: number; email?: string; role?: "USER" | "ADMIN" };

/** Members without personal data: ids, roles and dates. Emails are searched through the blind index. */
export function UserTable({ filters }: { filters: Filters }) {
  const trpc = useTRPC();
  const { data } = useSuspenseQuery(trpc.adminUser.list.queryOptions(filters));
  const [notice, setNotice] = useState<string | null>(null);
  const revoke = useMutation(trpc.adminUser.revokeSessions.mutationOptions());
  const revokeError = formErrorMessage(revoke.error);

  return (
    <div className="space-y-4">
      <form method="get" action="/admin/users" role="search" className="grid gap-3 rounded-xl border border-zinc-200 bg-white p-4 sm:grid-cols-[1fr_10rem_auto] sm:items-end">
        <label className="text-sm font-medium text-zinc-800">
          {t.emailSearch}
          <input name="email" type="email" defaultValue={filters.email ?? ""} className={inputClass} autoComplete="off" />
        </label>
        <label className="text-sm font-medium text-zinc-800">
          {t.role}
          <select name="role" defaultValue={filters.role ?? ""} className={selectClass}>
            <option value="">{adminKo.common.all}</option>
            <option value="USER">{t.roles.USER}</option>
            <option value="ADMIN">{t.roles.ADMIN}</option>
          </select>
        </label>
        <button type="submit" className="h-11 rounded-lg bg-zinc-900 px-5 text-sm font-semibold text-white hover:bg-zinc-700">
          {adminKo.common.search}
        </button>
      </form>

      <p className="text-sm text-zinc-600">
        {adminKo.common.total(data.total)} · {t.noPii}
      </p>
      {notice ? <FormMessage tone="success">{notice}</FormMessage> : null}
      {revokeError ? <FormMessage tone="error">{revokeError}</FormMessage> : null}

      <DataTable label={t.listLabel} columns={Object.values(t.columns)} isEmpty={data.items.length === 0}>
        {data.items.map((user) => (
          <tr key={user.id}>
            <th scope="row" className={`${tdClass} font-mono text-xs`}>
              <Link href={`/admin/users/${user.id}`} className="text-brand-700 hover:underline">
                {user.id}
              </Link>
            </th>
            <td className={tdClass}>
              <Badge tone={user.role === "ADMIN" ? "warn" : "neutral"}>{t.roles[user.role]}</Badge>
            </td>
            <td className={tdClass}>{user.isEmailVerified ? t.verified : t.unverified}</td>
            <td className={tdClass}>{user.orderCount.toLocaleString("ko-KR")}</td>
            <td className={tdClass}>{formatSeoulDateTime(user.createdAt)}</td>
            <td className={tdClass}>
              <button
                type="button"
                className={secondaryButtonClass}
                disabled={revoke.isPending}
                aria-label={`${user.id} ${t.revoke}`}
                onClick={() => {
                  if (!window.confirm(t.revokeConfirm)) return;
                  setNotice(null);
                  revoke.mutate({ userId: user.id }, { onSuccess: () => setNotice(t.revoked) });
                }}
              >
                {t.revoke}
              </button>
            </td>
          </tr>
        ))}
      </DataTable>
      <Pager page={data.page} pageCount={data.pageCount} hrefFor={(page) => `/admin/users${queryString({ email: filters.email, role: filters.role, page })}`} />
    </div>
  );
}
