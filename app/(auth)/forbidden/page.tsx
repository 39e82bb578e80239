import { forbidden } from "next/navigation";

/** Where proxy.ts rewrites admin pages for signed-in non-admins: renders app/forbidden.tsx with status 403. */
export default function ForbiddenPage() {
  forbidden();
}
