import { TRPCError } from "@trpc/server";
import Link from "next/link";

import { cartKo } from "~/app/_i18n/cart.ts";
import { serverCaller } from "~/app/_trpc/server.tsx";

const linkClass = "relative flex items-center gap-1 whitespace-nowrap rounded-md px-3 py-2.5 text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900 md:px-2 md:py-2 lg:px-3";

/**
 * 장바구니 (with a line count) and 찜, as header list items. The count is one indexed COUNT per page render for
 * signed-in shoppers; client mutations call router.refresh() to update it. Signed-out shoppers get the links
 * without a count (the pages send them to log in).
 */
export async function CartNavLinks({ isSignedIn }: { isSignedIn: boolean }) {
  const count = isSignedIn ? await cartLineCount() : 0;

  return (
    <>
      <li>
        <Link href="/wishlist" className={linkClass}>
          <span aria-hidden="true">♡</span>
          {cartKo.nav.wishlist}
        </Link>
      </li>
      <li>
        <Link href="/cart" className={linkClass}>
          {cartKo.nav.cart}
          {count > 0 ? (
            <span data-testid="cart-count" className="grid h-5 min-w-5 place-items-center rounded-full bg-brand-600 px-1 text-xs font-bold text-white">
              <span className="sr-only">{cartKo.nav.cartCount(count)}</span>
              <span aria-hidden="true">{count}</span>
            </span>
          ) : null}
        </Link>
      </li>
    </>
  );
}

async function cartLineCount() {
  try {
    return (await (await serverCaller()).cart.count()).count;
  } catch (error) {
    // A session the API no longer accepts (revoked, expired between checks) just shows no badge; the cart page
    // itself sends the shopper to log in. Anything else is a real failure and propagates.
    if (error instanceof TRPCError && error.code === "UNAUTHORIZED") return 0;
    throw error;
  }
}
