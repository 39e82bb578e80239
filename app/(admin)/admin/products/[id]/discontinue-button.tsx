"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";

import { FormMessage } from "~/app/_components/form.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";
import { formErrorMessage } from "~/app/_lib/form-errors.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";

export function DiscontinueButton({ id }: { id: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const discontinue = useMutation(trpc.adminProduct.discontinue.mutationOptions({ onSuccess: () => router.refresh() }));
  const error = formErrorMessage(discontinue.error);
  return (
    <>
      <button
        type="button"
        disabled={discontinue.isPending}
        onClick={() => {
          if (window.confirm(adminKo.products.discontinueConfirm)) discontinue.mutate({ id });
        }}
        className="h-10 rounded-lg border border-red-300 bg-white px-4 text-sm font-medium text-red-700 hover:bg-red-50 disabled:opacity-60"
      >
        {adminKo.products.discontinue}
      </button>
      {error ? <FormMessage tone="error">{error}</FormMessage> : null}
    </>
  );
}
