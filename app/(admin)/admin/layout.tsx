import type { Metadata } from "next";

import { AdminNav } from "~/app/(admin)/admin/_components/admin-nav.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";
import { createRscContext } from "~/app/_trpc/server.tsx";

export const metadata: Metadata = { title: { default: adminKo.title, template: `%s | ${adminKo.title}` } };

/**
 * The dashboard frame: side navigation beside the page. It only decides whether to draw the navigation; access is
 * decided by every page itself (requireAdmin), so a non-admin sees the 403 page without the admin menu.
 */
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const { session } = await createRscContext();
  if (session?.role !== "ADMIN") return children;

  return (
    <div className="flex flex-col gap-6 md:flex-row">
      <AdminNav />
      <div className="min-w-0 flex-1">{children}</div>
    </div>
  );
}
