import Link from "next/link";

import { cartKo } from "~/app/_i18n/cart.ts";

export type CartNoticeState = { kind: "in-cart" | "error"; text: string } | null;

/** The live status line after a cart action: success with a link to the cart, or the error in red. */
export function CartNotice(props: { notice: CartNoticeState; testId: string; className: string }) {
  return (
    <div role="status" data-testid={props.testId} className={props.className}>
      {props.notice?.kind === "in-cart" ? (
        <span className="text-emerald-700">
          {props.notice.text}{" "}
          <Link href="/cart" className="font-semibold underline">
            {cartKo.purchase.goToCart}
          </Link>
        </span>
      ) : null}
      {props.notice?.kind === "error" ? <span className="text-red-700">{props.notice.text}</span> : null}
    </div>
  );
}
