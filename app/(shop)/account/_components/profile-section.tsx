"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useState } from "react";

import { Section } from "~/app/(shop)/account/_components/section.tsx";
import { Field, FormMessage, primaryButtonClass, secondaryButtonClass } from "~/app/_components/form.tsx";
import { accountKo } from "~/app/_i18n/account.ts";
import { fieldErrorsFromZod, formErrorMessage } from "~/app/_lib/form-errors.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";
import { profileFields } from "~/server/domain/accounts/account-fields.ts";

const t = accountKo.myPage.profile;

export function ProfileSection() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: profile } = useSuspenseQuery(trpc.account.me.queryOptions());
  const [draft, setDraft] = useState<{ name: string; phone: string } | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});

  const update = useMutation(
    trpc.account.updateProfile.mutationOptions({
      onSuccess: (updated) => {
        queryClient.setQueryData(trpc.account.me.queryKey(), updated);
        setDraft(null);
      },
    }),
  );

  function save(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!draft) return;
    const parsed = profileFields.safeParse(draft);
    if (!parsed.success) {
      setErrors(fieldErrorsFromZod(parsed.error));
      return;
    }
    setErrors({});
    update.mutate({ data: draft });
  }

  const editButton = draft ? null : (
    <button
      type="button"
      className={secondaryButtonClass}
      onClick={() => {
        update.reset();
        setDraft({ name: profile.name, phone: profile.phone ?? "" });
      }}
    >
      {t.edit}
    </button>
  );

  return (
    <Section title={t.heading} actions={editButton}>
      {draft ? (
        <form onSubmit={save} noValidate className="space-y-4">
          <Field label={accountKo.fields.name} name="name" autoComplete="name" value={draft.name} onChange={(event) => setDraft({ ...draft, name: event.target.value })} error={errors.name} />
          <Field
            label={accountKo.fields.phone}
            name="phone"
            type="tel"
            autoComplete="tel"
            value={draft.phone}
            onChange={(event) => setDraft({ ...draft, phone: event.target.value })}
            error={errors.phone}
          />
          {formErrorMessage(update.error) ? (
            <FormMessage tone="error" testId="profile-error">
              {formErrorMessage(update.error)}
            </FormMessage>
          ) : null}
          <div className="flex gap-2">
            <button type="submit" disabled={update.isPending} className={primaryButtonClass}>
              {update.isPending ? t.saving : t.save}
            </button>
            <button type="button" className={secondaryButtonClass} onClick={() => setDraft(null)}>
              {t.cancel}
            </button>
          </div>
        </form>
      ) : (
        <>
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[10rem_1fr]">
            <dt className="font-medium text-zinc-500">{t.email}</dt>
            <dd className="text-zinc-900" data-testid="profile-email">
              {profile.email}
            </dd>
            <dt className="font-medium text-zinc-500">{accountKo.fields.name}</dt>
            <dd className="text-zinc-900" data-testid="profile-name">
              {profile.name}
            </dd>
            <dt className="font-medium text-zinc-500">{accountKo.fields.phone}</dt>
            <dd className="text-zinc-900" data-testid="profile-phone">
              {profile.phone ?? t.noPhone}
            </dd>
          </dl>
          {update.isSuccess ? (
            <div className="mt-4">
              <FormMessage tone="success" testId="profile-saved">
                {t.saved}
              </FormMessage>
            </div>
          ) : null}
        </>
      )}
    </Section>
  );
}
