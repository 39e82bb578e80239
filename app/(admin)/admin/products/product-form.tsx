"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";

import { selectClass } from "~/app/(admin)/admin/_components/ui.tsx";
import { Field, FormMessage, inputClass, primaryButtonClass } from "~/app/_components/form.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";
import { fieldErrorsFromServer, fieldErrorsFromZod, formErrorMessage } from "~/app/_lib/form-errors.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";
import {
  PRODUCT_IMAGE_ACCEPT,
  PRODUCT_IMAGE_MAX_BYTES,
  PRODUCT_STATUSES,
  productFields,
  type ProductFields,
} from "~/server/domain/admin/products/product-fields.ts";

const t = adminKo.products.form;

type Category = { id: number; name: string };
type ExistingProduct = ProductFields & { id: number };

/** "" and anything non-numeric become NaN, which the schema reports as "숫자로 입력해 주세요". */
function toNumber(value: FormDataEntryValue | null) {
  const text = String(value ?? "").trim();
  return text === "" ? Number.NaN : Number(text);
}

/** Uploads through the admin upload route; the server sniffs the real type and answers with the stored URL. */
async function uploadImage(file: File): Promise<{ url: string } | { error: string }> {
  const body = new FormData();
  body.set("file", file);
  const response = await fetch("/api/admin/uploads", { method: "POST", body });
  const payload = (await response.json().catch(() => null)) as { url?: string; error?: { message?: string } } | null;
  if (response.ok && payload?.url) return { url: payload.url };
  return { error: payload?.error?.message ?? adminKo.common.genericError };
}

/**
 * Create and edit share this form. The browser checks the same zod schema the server uses, so most mistakes are
 * shown without a round trip; anything the server still refuses comes back as data.zodError and lands on the
 * same fields.
 */
export function ProductForm({ categories, product }: { categories: Category[]; product?: ExistingProduct }) {
  const trpc = useTRPC();
  const router = useRouter();
  const idPrefix = useId();
  const [imageUrl, setImageUrl] = useState(product?.imageUrl ?? "");
  const [upload, setUpload] = useState<{ state: "idle" | "uploading" | "done" } | { state: "error"; message: string }>({ state: "idle" });
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);

  const create = useMutation(trpc.adminProduct.create.mutationOptions({ onSuccess: (created) => router.push(`/admin/products/${created.id}?created=1`) }));
  const update = useMutation(
    trpc.adminProduct.update.mutationOptions({
      onSuccess: () => {
        setSaved(true);
        router.refresh();
      },
    }),
  );
  const mutation = product ? update : create;
  const errors = { ...fieldErrorsFromServer(mutation.error), ...clientErrors };
  const formError = formErrorMessage(mutation.error);
  const hasFieldErrors = Object.keys(errors).length > 0;

  function submit(form: HTMLFormElement) {
    const data = new FormData(form);
    const candidate = {
      name: String(data.get("name") ?? ""),
      description: String(data.get("description") ?? ""),
      price: toNumber(data.get("price")),
      stock: toNumber(data.get("stock")),
      categoryId: toNumber(data.get("categoryId")),
      status: String(data.get("status") ?? ""),
      imageUrl,
    };
    const parsed = productFields.safeParse(candidate);
    setSaved(false);
    if (!parsed.success) {
      setClientErrors(fieldErrorsFromZod(parsed.error));
      return;
    }
    setClientErrors({});
    if (product) update.mutate({ id: product.id, data: parsed.data });
    else create.mutate(parsed.data);
  }

  async function onFileChosen(file: File | undefined) {
    if (!file) return;
    if (file.size > PRODUCT_IMAGE_MAX_BYTES) {
      setUpload({ state: "error", message: "이미지는 2MB 이하만 올릴 수 있습니다." });
      return;
    }
    setUpload({ state: "uploading" });
    const result = await uploadImage(file);
    if ("error" in result) {
      setUpload({ state: "error", message: result.error });
      return;
    }
    setImageUrl(result.url);
    setUpload({ state: "done" });
    setClientErrors(({ imageUrl: _imageUrl, ...rest }) => rest);
  }

  const imageInputId = `${idPrefix}-image`;
  const imageError = upload.state === "error" ? upload.message : errors.imageUrl;

  return (
    <form
      noValidate
      aria-label={product ? adminKo.products.editTitle(product.name) : adminKo.products.newTitle}
      className="grid gap-4 rounded-xl border border-zinc-200 bg-white p-5 sm:grid-cols-2"
      onSubmit={(event) => {
        event.preventDefault();
        submit(event.currentTarget);
      }}
    >
      <Field label={t.name} name="name" defaultValue={product?.name} error={errors.name} maxLength={100} className="sm:col-span-2" />

      <div className="sm:col-span-2">
        <label htmlFor={`${idPrefix}-description`} className="block text-sm font-medium text-zinc-800">
          {t.description}
        </label>
        <textarea
          id={`${idPrefix}-description`}
          name="description"
          rows={5}
          defaultValue={product?.description}
          aria-invalid={errors.description ? true : undefined}
          aria-describedby={errors.description ? `${idPrefix}-description-error` : undefined}
          className={`${inputClass} h-auto py-2`}
        />
        {errors.description ? (
          <p id={`${idPrefix}-description-error`} className="mt-1 text-sm text-red-600">
            {errors.description}
          </p>
        ) : null}
      </div>

      <Field label={t.price} name="price" type="number" inputMode="numeric" min={100} step={1} defaultValue={product?.price} error={errors.price} />
      <Field label={t.stock} name="stock" type="number" inputMode="numeric" min={0} step={1} defaultValue={product?.stock} error={errors.stock} />

      <div>
        <label htmlFor={`${idPrefix}-category`} className="block text-sm font-medium text-zinc-800">
          {t.category}
        </label>
        <select
          id={`${idPrefix}-category`}
          name="categoryId"
          defaultValue={product?.categoryId ?? ""}
          aria-invalid={errors.categoryId ? true : undefined}
          aria-describedby={errors.categoryId ? `${idPrefix}-category-error` : undefined}
          className={selectClass}
        >
          <option value="">{t.categoryPlaceholder}</option>
          {categories.map((category) => (
            <option key={category.id} value={category.id}>
              {category.name}
            </option>
          ))}
        </select>
        {errors.categoryId ? (
          <p id={`${idPrefix}-category-error`} className="mt-1 text-sm text-red-600">
            {errors.categoryId}
          </p>
        ) : null}
      </div>

      <div>
        <label htmlFor={`${idPrefix}-status`} className="block text-sm font-medium text-zinc-800">
          {t.status}
        </label>
        <select id={`${idPrefix}-status`} name="status" defaultValue={product?.status ?? "AVAILABLE"} className={selectClass}>
          {PRODUCT_STATUSES.map((status) => (
            <option key={status} value={status}>
              {adminKo.productStatus[status]}
            </option>
          ))}
        </select>
      </div>

      <div className="sm:col-span-2">
        <label htmlFor={imageInputId} className="block text-sm font-medium text-zinc-800">
          {t.image}
        </label>
        <div className="mt-1 flex flex-wrap items-center gap-4">
          {imageUrl ? <img src={imageUrl} alt={t.imageCurrent} width={96} height={96} className="size-24 rounded-lg border border-zinc-200 object-cover" /> : null}
          <input
            id={imageInputId}
            type="file"
            accept={PRODUCT_IMAGE_ACCEPT}
            aria-invalid={imageError ? true : undefined}
            aria-describedby={`${imageInputId}-hint${imageError ? ` ${imageInputId}-error` : ""}`}
            onChange={(event) => void onFileChosen(event.target.files?.[0])}
            className="text-sm"
          />
        </div>
        <p id={`${imageInputId}-hint`} className="mt-1 text-xs text-zinc-500">
          {t.imageHint}
        </p>
        {upload.state === "uploading" ? <p className="mt-1 text-sm text-zinc-600">{t.uploading}</p> : null}
        {upload.state === "done" ? (
          <p className="mt-1 text-sm text-emerald-700" data-testid="image-uploaded">
            {t.uploaded}
          </p>
        ) : null}
        {imageError ? (
          <p id={`${imageInputId}-error`} className="mt-1 text-sm text-red-600">
            {imageError}
          </p>
        ) : null}
      </div>

      <div className="space-y-3 sm:col-span-2">
        {hasFieldErrors ? <FormMessage tone="error">{t.fixErrors}</FormMessage> : null}
        {formError ? <FormMessage tone="error">{formError}</FormMessage> : null}
        {saved ? (
          <FormMessage tone="success" testId="product-saved">
            {t.updated}
          </FormMessage>
        ) : null}
        <button type="submit" disabled={mutation.isPending || upload.state === "uploading"} className={primaryButtonClass}>
          {mutation.isPending ? adminKo.common.saving : product ? t.submitUpdate : t.submitCreate}
        </button>
      </div>
    </form>
  );
}
