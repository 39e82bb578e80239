"use client";

import Link from "next/link";

import { useViewer } from "~/app/_components/viewer.tsx";
import { accountKo } from "~/app/_i18n/account.ts";
import { cartKo } from "~/app/_i18n/cart.ts";
import { ko } from "~/app/_i18n/ko.ts";
import { ordersKo } from "~/app/_i18n/orders.ts";

/** A header link: one line whatever the width (Korean labels must never wrap a syllable per line). */
const navLinkClass = "block whitespace-nowrap rounded-md px-3 py-2.5 text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900 md:px-2 md:py-2 lg:px-3";
const cartLinkClass = "relative flex items-center gap-1 whitespace-nowrap rounded-md px-3 py-2.5 text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900 md:px-2 md:py-2 lg:px-3";

/**
 * The header's visitor-dependent links, as list items: 찜 and 장바구니 (with the cart's line count), then 주문 내역,
 * 마이페이지 or 회원가입, 관리자, and 로그아웃 or 로그인. From the viewer (app/_components/viewer.tsx), so the same
 * cached HTML serves everybody; while a cached page is still asking, the account links keep their place, empty.
 */
export function ViewerNavLinks({ logout }: { logout: () => Promise<void> }) {
  const state = useViewer();
  const user = state.status === "known" ? state.viewer : null;
  const count = user?.cartCount ?? 0;

  return (
    <>
      <li>
        <Link href="/wishlist" className={cartLinkClass}>
          <span aria-hidden="true">♡</span>
          {cartKo.nav.wishlist}
        </Link>
      </li>
      <li>
        <Link href="/cart" className={cartLinkClass}>
          {cartKo.nav.cart}
          {count > 0 ? (
            <span data-testid="cart-count" className="grid h-5 min-w-5 place-items-center rounded-full bg-brand-600 px-1 text-xs font-bold text-white">
              <span className="sr-only">{cartKo.nav.cartCount(count)}</span>
              <span aria-hidden="true">{count}</span>
            </span>
          ) : null}
        </Link>
      </li>
      {state.status === "loading" ? (
        <li aria-hidden="true" data-testid="viewer-loading" className="h-10 w-28 md:h-8" />
      ) : (
        <>
          {user ? (
            <li>
              <Link href="/account/orders" className={navLinkClass}>
                {ordersKo.nav.orders}
              </Link>
            </li>
          ) : null}
          <li>
            <Link href={user ? "/account" : "/signup"} className={navLinkClass}>
              {user ? accountKo.nav.myPage : accountKo.nav.signUp}
            </Link>
          </li>
          {user?.role === "ADMIN" ? (
            <li>
              <Link href="/admin" className={navLinkClass}>
                {ko.nav.admin}
              </Link>
            </li>
          ) : null}
          <li className="mt-2 border-t border-zinc-200 pt-3 md:mt-0 md:ml-1 md:border-0 md:pt-0">
            {user ? (
              <form action={logout} className="flex items-center gap-2">
                <span className="sr-only">{ko.nav.signedInAs(user.role)}</span>
                <button
                  type="submit"
                  className="w-full whitespace-nowrap rounded-md border border-zinc-300 px-3 py-2.5 text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900 md:w-auto md:py-1.5"
                >
                  {ko.nav.logout}
                </button>
              </form>
            ) : (
              <Link href="/login" className="block whitespace-nowrap rounded-md bg-zinc-900 px-3 py-2.5 text-center text-white hover:bg-zinc-700 md:py-1.5">
                {ko.nav.login}
              </Link>
            )}
          </li>
        </>
      )}
    </>
  );
}
