"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

import { adminKo } from "~/app/_i18n/admin.ts";

const t = adminKo.nav;
const ITEMS = [
  { href: "/admin", label: t.dashboard },
  { href: "/admin/products", label: t.products },
  { href: "/admin/sales", label: t.sales },
  { href: "/admin/orders", label: t.orders },
  { href: "/admin/payments", label: t.payments },
  { href: "/admin/users", label: t.users },
  { href: "/admin/audit", label: t.audit },
  { href: "/admin/system", label: t.system },
] as const;

function isCurrent(pathname: string, href: string) {
  return href === "/admin" ? pathname === "/admin" : pathname === href || pathname.startsWith(`${href}/`);
}

/** The side menu; the current section is marked with aria-current for screen readers and tests. */
export function AdminNav() {
  const pathname = usePathname();
  return (
    <nav aria-label={t.label} className="shrink-0 md:w-44">
      <ul className="flex flex-wrap gap-1 md:sticky md:top-24 md:flex-col">
        {ITEMS.map((item) => {
          const current = isCurrent(pathname, item.href);
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                aria-current={current ? "page" : undefined}
                className={`block rounded-md px-3 py-2 text-sm font-medium ${current ? "bg-zinc-900 text-white" : "text-zinc-700 hover:bg-zinc-100"}`}
              >
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
