import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";

import { SignUpForm } from "~/app/(auth)/signup/signup-form.tsx";
import { accountKo } from "~/app/_i18n/account.ts";
import { createRscContext } from "~/app/_trpc/server.tsx";

export const metadata: Metadata = { title: accountKo.signUp.title };

export default async function SignUpPage() {
  const { session } = await createRscContext();
  if (session) redirect("/account");

  return (
    <div className="mx-auto max-w-lg py-6">
      <section className="rounded-2xl border border-zinc-200 bg-white p-8 shadow-sm">
        <h1 className="text-2xl font-bold tracking-tight text-zinc-900">{accountKo.signUp.heading}</h1>
        <p className="mt-2 text-sm text-zinc-600">{accountKo.signUp.intro}</p>
        <div className="mt-8">
          <SignUpForm />
        </div>
        <p className="mt-6 text-center text-sm text-zinc-600">
          {accountKo.signUp.haveAccount}{" "}
          <Link href="/login" className="font-medium text-brand-700 underline-offset-2 hover:underline">
            {accountKo.signUp.toLogin}
          </Link>
        </p>
      </section>
    </div>
  );
}
