"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";

import { Section } from "~/app/(shop)/account/_components/section.tsx";
import { FormMessage } from "~/app/_components/form.tsx";
import { accountKo } from "~/app/_i18n/account.ts";
import { formErrorMessage } from "~/app/_lib/form-errors.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";

const t = accountKo.myPage.sessions;

export function SessionSection() {
  const trpc = useTRPC();
  const router = useRouter();
  const logoutEverywhere = useMutation(
    trpc.account.logoutEverywhere.mutationOptions({
      // The response already cleared this browser's cookie; refresh() re-renders the header as signed out.
      onSuccess: () => {
        router.replace("/login?loggedOut=everywhere");
        router.refresh();
      },
    }),
  );

  return (
    <Section title={t.heading} intro={t.intro}>
      {formErrorMessage(logoutEverywhere.error) ? (
        <div className="mb-4">
          <FormMessage tone="error" testId="sessions-error">
            {formErrorMessage(logoutEverywhere.error)}
          </FormMessage>
        </div>
      ) : null}
      <button
        type="button"
        disabled={logoutEverywhere.isPending}
        onClick={() => {
          if (window.confirm(t.confirm)) logoutEverywhere.mutate();
        }}
        className="h-11 rounded-lg border border-red-300 bg-white px-5 font-semibold text-red-700 hover:bg-red-50 disabled:opacity-60"
      >
        {logoutEverywhere.isPending ? t.working : t.logoutEverywhere}
      </button>
    </Section>
  );
}
