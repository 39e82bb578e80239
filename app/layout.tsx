import "~/app/globals.css";

import { GeistSans } from "geist/font/sans";
import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import Link from "next/link";

import { SiteNav } from "~/app/_components/site-nav.tsx";
import { ViewerProvider } from "~/app/_components/viewer.tsx";
import { ViewerNavLinks } from "~/app/_components/viewer-nav-links.tsx";
import { ko } from "~/app/_i18n/ko.ts";
import { TRPCReactProvider } from "~/app/_trpc/client.tsx";
import { serverCaller } from "~/app/_trpc/server.tsx";
import { logOut } from "~/server/auth.ts";
import { PUBLIC_RENDER_HEADER } from "~/server/http/public-page-registry.ts";

export const metadata: Metadata = {
  title: { default: ko.site.name, template: `%s | ${ko.site.name}` },
  description: ko.site.description,
};

export const viewport: Viewport = {
  themeColor: "#e11d48",
};

/** A header link: one line whatever the width (Korean labels must never wrap a syllable per line). */
const navLinkClass = "block whitespace-nowrap rounded-md px-3 py-2.5 text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900 md:px-2 md:py-2 lg:px-3";

async function logout() {
  "use server";
  // Revokes this session server-side first: a copied cookie stops working at once, not when it expires.
  await logOut({ redirectTo: "/" });
}

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // A cache-fill render (server/http/public-page-cache.ts) becomes HTML shared by every visitor: it must not say who
  // is signed in, so the header asks the API from the browser. Every other render knows the visitor already.
  const isPublicRender = (await headers()).get(PUBLIC_RENDER_HEADER) !== null;
  const viewer = isPublicRender ? undefined : await (await serverCaller()).account.viewer();

  return (
    <html lang="ko" className={GeistSans.variable}>
      <body className="flex min-h-dvh flex-col font-sans">
        <a
          href="#main"
          className="sr-only z-50 rounded-lg bg-zinc-900 px-4 py-3 text-sm font-semibold text-white focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
        >
          {ko.nav.skipToContent}
        </a>
        <TRPCReactProvider>
          <ViewerProvider initialViewer={viewer}>
            {/* Solid white on phones: a backdrop filter would make the header the containing block of the menu's overlay. */}
            <header className="sticky top-0 z-40 border-b border-zinc-200 bg-white md:bg-white/90 md:backdrop-blur">
              <div className="relative mx-auto flex h-14 max-w-6xl items-center justify-between gap-3 px-4 sm:px-6 md:h-16">
                <Link
                  href="/"
                  aria-label={ko.nav.home}
                  className="flex min-w-0 shrink-0 items-center gap-2 whitespace-nowrap text-lg font-bold tracking-tight text-zinc-900 md:text-xl"
                >
                  <span aria-hidden="true" className="grid size-8 shrink-0 place-items-center rounded-lg bg-brand-600 text-white">
                    ⚡
                  </span>
                  {ko.site.name}
                </Link>

                <SiteNav label={ko.nav.label} menuLabel={ko.nav.menu}>
                  <ul className="flex flex-col gap-1 text-base font-medium md:flex-row md:items-center md:gap-0 md:text-sm lg:gap-1">
                    <li>
                      <Link href="/" className={navLinkClass}>
                        {ko.nav.catalog}
                      </Link>
                    </li>
                    <ViewerNavLinks logout={logout} />
                  </ul>
                </SiteNav>
              </div>
            </header>

            <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 scroll-mt-16 px-4 py-8 outline-none sm:px-6">
              {children}
            </main>

            <footer className="border-t border-zinc-200 bg-white">
              <p className="mx-auto max-w-6xl px-4 py-6 text-xs text-zinc-500 sm:px-6">{ko.site.footer}</p>
            </footer>
          </ViewerProvider>
        </TRPCReactProvider>
      </body>
    </html>
  );
}
