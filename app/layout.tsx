import "~/app/globals.css";

import { GeistSans } from "geist/font/sans";
import type { Metadata, Viewport } from "next";
import Link from "next/link";

import { CartNavLinks } from "~/app/(shop)/_components/cart-nav-links.tsx";
import { accountKo } from "~/app/_i18n/account.ts";
import { ko } from "~/app/_i18n/ko.ts";
import { ordersKo } from "~/app/_i18n/orders.ts";
import { TRPCReactProvider } from "~/app/_trpc/client.tsx";
import { auth, logOut } from "~/server/auth.ts";

export const metadata: Metadata = {
  title: { default: ko.site.name, template: `%s | ${ko.site.name}` },
  description: ko.site.description,
};

export const viewport: Viewport = {
  themeColor: "#e11d48",
};

async function logout() {
  "use server";
  // Revokes this session server-side first: a copied cookie stops working at once, not when it expires.
  await logOut({ redirectTo: "/" });
}

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const session = await auth();
  const user = session?.user?.id ? session.user : null;

  return (
    <html lang="ko" className={GeistSans.variable}>
      <body className="flex min-h-dvh flex-col font-sans">
        <header className="sticky top-0 z-10 border-b border-zinc-200 bg-white/90 backdrop-blur">
          <div className="mx-auto flex h-16 max-w-6xl items-center justify-between gap-4 px-4 sm:px-6">
            <Link
              href="/"
              aria-label={ko.nav.home}
              className="flex items-center gap-2 text-xl font-bold tracking-tight text-zinc-900"
            >
              <span aria-hidden="true" className="grid size-8 place-items-center rounded-lg bg-brand-600 text-white">
                ⚡
              </span>
              {ko.site.name}
            </Link>

            <nav aria-label={ko.nav.label}>
              <ul className="flex items-center gap-1 text-sm font-medium sm:gap-2">
                <li>
                  <Link href="/" className="rounded-md px-3 py-2 text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900">
                    {ko.nav.catalog}
                  </Link>
                </li>
                <CartNavLinks isSignedIn={user !== null} />
                {user ? (
                  <li>
                    <Link href="/account/orders" className="rounded-md px-3 py-2 text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900">
                      {ordersKo.nav.orders}
                    </Link>
                  </li>
                ) : null}
                <li>
                  <Link href={user ? "/account" : "/signup"} className="rounded-md px-3 py-2 text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900">
                    {user ? accountKo.nav.myPage : accountKo.nav.signUp}
                  </Link>
                </li>
                {user?.role === "ADMIN" ? (
                  <li>
                    <Link
                      href="/admin"
                      className="rounded-md px-3 py-2 text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900"
                    >
                      {ko.nav.admin}
                    </Link>
                  </li>
                ) : null}
                <li>
                  {user ? (
                    <form action={logout} className="flex items-center gap-2">
                      <span className="sr-only">{ko.nav.signedInAs(user.role)}</span>
                      <button
                        type="submit"
                        className="rounded-md border border-zinc-300 px-3 py-1.5 text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900"
                      >
                        {ko.nav.logout}
                      </button>
                    </form>
                  ) : (
                    <Link
                      href="/login"
                      className="rounded-md bg-zinc-900 px-3 py-1.5 text-white hover:bg-zinc-700"
                    >
                      {ko.nav.login}
                    </Link>
                  )}
                </li>
              </ul>
            </nav>
          </div>
        </header>

        <TRPCReactProvider>
          <main className="mx-auto w-full max-w-6xl flex-1 px-4 py-8 sm:px-6">{children}</main>
        </TRPCReactProvider>

        <footer className="border-t border-zinc-200 bg-white">
          <p className="mx-auto max-w-6xl px-4 py-6 text-xs text-zinc-500 sm:px-6">{ko.site.footer}</p>
        </footer>
      </body>
    </html>
  );
}
