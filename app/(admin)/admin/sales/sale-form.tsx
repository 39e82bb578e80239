"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";
import { z } from "zod";

import { dateToSeoulLocal, seoulLocalToDate } from "~/app/(admin)/admin/_lib/seoul-time.ts";
import { selectClass } from "~/app/(admin)/admin/_components/ui.tsx";
import { Field, FormMessage, primaryButtonClass } from "~/app/_components/form.tsx";
import { adminKo } from "~/app/_i18n/admin.ts";
import { fieldErrorsFromServer, fieldErrorsFromZod, formErrorMessage } from "~/app/_lib/form-errors.ts";
import { useTRPC } from "~/app/_trpc/client.tsx";
import { isIdInRange, MIN_PRICE_WON, priceField } from "~/server/domain/input-rules.ts";
import {
  BUCKETS_WITH_WAITING_ROOM_MESSAGE,
  CLOSES_BEFORE_OPENS_MESSAGE,
  OPENS_IN_PAST_MESSAGE,
  SALE_ADMISSION_MODES,
  SALE_FAIRNESS_MODES,
  SALE_LIMITS,
} from "~/server/domain/sales/sale-limits.ts";

const t = adminKo.sales.form;

const int = (message: string) => z.number({ error: message }).int(message);
const count = (value: number) => value.toLocaleString("en-US");
const { quantity, perUserLimit, holdMinutes, admissionRatePerMinute, overbookingPercent, queueOpensMinutesBefore, stockBuckets } = SALE_LIMITS;

/**
 * The form's own check, with Korean messages, on the same limits as the server's createSaleInput/updateSaleInput
 * (sale-limits.ts, input-rules.ts), which stay authoritative: anything this misses is refused there.
 */
const saleFormSchema = z
  .object({
    productId: int("상품 번호를 입력해 주세요.").positive("상품 번호를 입력해 주세요."),
    salePrice: priceField({ required: "세일가를 숫자로 입력해 주세요.", integer: "세일가를 숫자로 입력해 주세요.", topic: "세일가는" }),
    quantity: int("수량을 숫자로 입력해 주세요.").min(quantity.min, `수량은 ${quantity.min}개 이상이어야 합니다.`).max(quantity.max, `수량은 ${count(quantity.max)}개 이하여야 합니다.`),
    opensAt: z.date({ error: t.invalidDate }),
    closesAt: z.date({ error: t.invalidDate }).nullable(),
    perUserLimit: int("1인당 한도를 숫자로 입력해 주세요.").min(perUserLimit.min, `1인당 한도는 ${perUserLimit.min}~${perUserLimit.max}개입니다.`).max(perUserLimit.max, `1인당 한도는 ${perUserLimit.min}~${perUserLimit.max}개입니다.`),
    holdMinutes: int("결제 대기 시간을 숫자로 입력해 주세요.").min(holdMinutes.min, `결제 대기 시간은 ${holdMinutes.min}~${holdMinutes.max}분입니다.`).max(holdMinutes.max, `결제 대기 시간은 ${holdMinutes.min}~${holdMinutes.max}분입니다.`),
    stockBuckets: int("재고 분할 수를 숫자로 입력해 주세요.").min(stockBuckets.min, `재고 분할 수는 ${stockBuckets.min}~${stockBuckets.max}입니다.`).max(stockBuckets.max, `재고 분할 수는 ${stockBuckets.min}~${stockBuckets.max}입니다.`),
    waitingRoomEnabled: z.boolean(),
    fairnessMode: z.enum(SALE_FAIRNESS_MODES),
    admissionMode: z.enum(SALE_ADMISSION_MODES),
    admissionRatePerMinute: int("분당 입장 인원을 숫자로 입력해 주세요.")
      .min(admissionRatePerMinute.min, `분당 입장 인원은 ${admissionRatePerMinute.min}명 이상이어야 합니다.`)
      .max(admissionRatePerMinute.max, `분당 입장 인원은 ${count(admissionRatePerMinute.max)}명 이하여야 합니다.`),
    overbookingPercent: int("초과 입장 비율을 숫자로 입력해 주세요.").min(overbookingPercent.min, `초과 입장 비율은 ${overbookingPercent.min}~${overbookingPercent.max}%입니다.`).max(overbookingPercent.max, `초과 입장 비율은 ${overbookingPercent.min}~${overbookingPercent.max}%입니다.`),
    queueOpensMinutesBefore: int("대기열 오픈 시간을 숫자로 입력해 주세요.")
      .min(queueOpensMinutesBefore.min, `${queueOpensMinutesBefore.min}~${queueOpensMinutesBefore.max}분 사이로 입력해 주세요.`)
      .max(queueOpensMinutesBefore.max, `${queueOpensMinutesBefore.min}~${queueOpensMinutesBefore.max}분 사이로 입력해 주세요.`),
  })
  .refine((sale) => !sale.closesAt || sale.closesAt > sale.opensAt, { path: ["closesAt"], message: CLOSES_BEFORE_OPENS_MESSAGE })
  .refine((sale) => sale.stockBuckets === 1 || !sale.waitingRoomEnabled, { path: ["stockBuckets"], message: BUCKETS_WITH_WAITING_ROOM_MESSAGE })
  // Judged by this browser's clock, so it only catches the obvious case early; the server's clock decides.
  .refine((sale) => sale.opensAt.getTime() > Date.now(), { path: ["opensAt"], message: OPENS_IN_PAST_MESSAGE });

type ExistingSale = {
  id: number;
  salePrice: number;
  quantity: number;
  opensAt: Date;
  closesAt: Date | null;
  perUserLimit: number;
  holdMinutes: number;
  stockBuckets: number;
  waitingRoomEnabled: boolean;
  fairnessMode: "FIFO" | "SHUFFLE_AT_OPEN" | "RAFFLE";
  admissionMode: "RATE" | "AUTO";
  admissionRatePerMinute: number;
  overbookingPercent: number;
  queueOpensMinutesBefore: number;
  product: { id: number; name: string };
};

function toNumber(value: FormDataEntryValue | null) {
  const text = String(value ?? "").trim();
  return text === "" ? Number.NaN : Number(text);
}

/** Shows which product a typed id is, so a wrong number is noticed before scheduling. */
function ProductLookup({ productId }: { productId: number }) {
  const trpc = useTRPC();
  const isValid = isIdInRange(productId);
  const lookup = useQuery({ ...trpc.adminProduct.get.queryOptions({ id: productId }), enabled: isValid, retry: false });
  if (!isValid || lookup.isPending) return null;
  return (
    <p className={`mt-1 text-sm ${lookup.data ? "text-emerald-700" : "text-red-600"}`} data-testid="sale-product-lookup">
      {lookup.data ? t.productFound(lookup.data.name) : t.productMissing}
    </p>
  );
}

/**
 * Schedules a sale, or edits one before it opens. Times are typed as Korea Standard Time whatever the admin's own
 * time zone, and sent as instants.
 */
export function SaleForm({ sale, initialProductId }: { sale?: ExistingSale; initialProductId?: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const idPrefix = useId();
  const [productId, setProductId] = useState<number>(sale?.product.id ?? initialProductId ?? Number.NaN);
  const [waitingRoom, setWaitingRoom] = useState(sale?.waitingRoomEnabled ?? false);
  const [admissionMode, setAdmissionMode] = useState<"RATE" | "AUTO">(sale?.admissionMode ?? "AUTO");
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});

  const goToMonitor = (saved: { id: number }) => router.push(`/admin/sales/${saved.id}`);
  const create = useMutation(trpc.adminSale.create.mutationOptions({ onSuccess: goToMonitor }));
  const update = useMutation(trpc.adminSale.update.mutationOptions({ onSuccess: goToMonitor }));
  const mutation = sale ? update : create;
  const serverMessage = formErrorMessage(mutation.error);
  // A refusal about one field is shown under that field (and in the summary), not as a form-wide message.
  // The server's own words for these refusals, so its answer lands under the field it is about.
  const serverFieldError: Record<string, string> | null =
    serverMessage === OPENS_IN_PAST_MESSAGE
      ? { opensAt: serverMessage }
      : serverMessage === CLOSES_BEFORE_OPENS_MESSAGE
        ? { closesAt: serverMessage }
        : serverMessage === BUCKETS_WITH_WAITING_ROOM_MESSAGE
          ? { stockBuckets: serverMessage }
          : null;
  const errors: Record<string, string> = { ...fieldErrorsFromServer(mutation.error), ...serverFieldError, ...clientErrors };
  const formError = serverFieldError ? null : serverMessage;
  const fieldId = (name: string) => `${idPrefix}-${name}`;
  const fieldLabels: Record<string, string> = {
    productId: t.product,
    salePrice: t.salePrice,
    quantity: t.quantity,
    opensAt: t.opensAt,
    closesAt: t.closesAt,
    perUserLimit: t.perUserLimit,
    holdMinutes: t.holdMinutes,
    stockBuckets: t.stockBuckets,
    admissionRatePerMinute: t.admissionRatePerMinute,
    overbookingPercent: t.overbookingPercent,
    queueOpensMinutesBefore: t.queueOpensMinutesBefore,
  };
  const errorEntries = Object.entries(errors);
  const hasErrors = errorEntries.length > 0 || formError !== null;

  // After a refused submit the summary at the top takes focus, so neither sighted nor screen-reader users have to
  // find the problem at the bottom of a long form.
  const summaryRef = useRef<HTMLDivElement>(null);
  const [submitCount, setSubmitCount] = useState(0);
  useEffect(() => {
    if (submitCount > 0 && hasErrors) summaryRef.current?.focus();
  }, [submitCount, hasErrors, mutation.error]);

  function submit(form: HTMLFormElement) {
    setSubmitCount((count) => count + 1);
    const data = new FormData(form);
    const closesAtText = String(data.get("closesAt") ?? "");
    const parsed = saleFormSchema.safeParse({
      productId: sale ? sale.product.id : toNumber(data.get("productId")),
      salePrice: toNumber(data.get("salePrice")),
      quantity: toNumber(data.get("quantity")),
      opensAt: seoulLocalToDate(String(data.get("opensAt") ?? "")) ?? undefined,
      closesAt: closesAtText ? (seoulLocalToDate(closesAtText) ?? new Date(Number.NaN)) : null,
      perUserLimit: toNumber(data.get("perUserLimit")),
      holdMinutes: toNumber(data.get("holdMinutes")),
      stockBuckets: toNumber(data.get("stockBuckets")),
      waitingRoomEnabled: data.get("waitingRoomEnabled") === "on",
      fairnessMode: String(data.get("fairnessMode") ?? "FIFO"),
      admissionMode,
      admissionRatePerMinute: toNumber(data.get("admissionRatePerMinute")),
      overbookingPercent: toNumber(data.get("overbookingPercent")),
      queueOpensMinutesBefore: toNumber(data.get("queueOpensMinutesBefore")),
    });
    if (!parsed.success) {
      setClientErrors(fieldErrorsFromZod(parsed.error));
      return;
    }
    setClientErrors({});
    const { productId: chosenProductId, ...fields } = parsed.data;
    if (sale) update.mutate({ id: sale.id, data: fields });
    else create.mutate({ productId: chosenProductId, ...fields });
  }

  const number = (name: string, label: string, value: number | undefined, extra: { min?: number; max?: number; hint?: string } = {}) => (
    <Field id={fieldId(name)} label={label} name={name} type="number" inputMode="numeric" step={1} min={extra.min} max={extra.max} hint={extra.hint} defaultValue={value} error={errors[name]} />
  );

  return (
    <form
      noValidate
      aria-label={sale ? adminKo.sales.editTitle(sale.id) : adminKo.sales.newTitle}
      className="grid gap-4 rounded-xl border border-zinc-200 bg-white p-5 sm:grid-cols-2"
      onSubmit={(event) => {
        event.preventDefault();
        submit(event.currentTarget);
      }}
    >
      {hasErrors ? (
        <div ref={summaryRef} tabIndex={-1} className="outline-none sm:col-span-2">
          <FormMessage tone="error" testId="sale-form-errors">
            <p className="font-semibold">{t.fixErrors}</p>
            <ul className="mt-1 list-disc space-y-0.5 pl-5">
              {errorEntries.map(([field, message]) => (
                <li key={field}>
                  <a href={`#${fieldId(field)}`} className="underline underline-offset-2">
                    {fieldLabels[field] ?? field}: {message}
                  </a>
                </li>
              ))}
              {formError ? <li>{formError}</li> : null}
            </ul>
          </FormMessage>
        </div>
      ) : null}

      <div className="sm:col-span-2">
        {sale ? (
          <p className="text-sm text-zinc-700">{t.productFound(sale.product.name)}</p>
        ) : (
          <>
            <Field
              id={fieldId("productId")}
              label={t.product}
              name="productId"
              type="number"
              inputMode="numeric"
              min={1}
              step={1}
              hint={t.productHint}
              defaultValue={initialProductId}
              error={errors.productId}
              onChange={(event) => setProductId(Number(event.target.value))}
            />
            <ProductLookup productId={productId} />
          </>
        )}
      </div>

      {number("salePrice", t.salePrice, sale?.salePrice, { min: MIN_PRICE_WON })}
      {number("quantity", t.quantity, sale?.quantity, { min: quantity.min })}
      <Field id={fieldId("opensAt")} label={t.opensAt} name="opensAt" type="datetime-local" defaultValue={sale ? dateToSeoulLocal(sale.opensAt) : undefined} error={errors.opensAt} />
      <Field id={fieldId("closesAt")} label={t.closesAt} name="closesAt" type="datetime-local" defaultValue={sale?.closesAt ? dateToSeoulLocal(sale.closesAt) : undefined} error={errors.closesAt} />
      {number("perUserLimit", t.perUserLimit, sale?.perUserLimit ?? 1, perUserLimit)}
      {number("holdMinutes", t.holdMinutes, sale?.holdMinutes ?? 10, holdMinutes)}
      {number("stockBuckets", t.stockBuckets, sale?.stockBuckets ?? 1, { ...stockBuckets, hint: t.stockBucketsHint })}

      <fieldset className="space-y-4 rounded-lg border border-zinc-200 p-4 sm:col-span-2">
        <legend className="px-1 text-sm font-semibold text-zinc-900">{adminKo.monitor.queue}</legend>
        <label className="flex items-start gap-2 text-sm text-zinc-800">
          <input
            type="checkbox"
            name="waitingRoomEnabled"
            checked={waitingRoom}
            onChange={(event) => setWaitingRoom(event.target.checked)}
            className="mt-0.5 size-4 accent-brand-600"
            aria-describedby={`${idPrefix}-waiting-hint`}
          />
          <span>
            {t.waitingRoom}
            <span id={`${idPrefix}-waiting-hint`} className="block text-xs text-zinc-500">
              {t.waitingRoomHint}
            </span>
          </span>
        </label>

        <div className={`grid gap-4 sm:grid-cols-2 ${waitingRoom ? "" : "opacity-60"}`}>
          <div>
            <label htmlFor={`${idPrefix}-fairness`} className="block text-sm font-medium text-zinc-800">
              {t.fairnessMode}
            </label>
            <select id={`${idPrefix}-fairness`} name="fairnessMode" defaultValue={sale?.fairnessMode ?? "FIFO"} className={selectClass}>
              {SALE_FAIRNESS_MODES.map((mode) => (
                <option key={mode} value={mode}>
                  {adminKo.fairness[mode]}
                </option>
              ))}
            </select>
          </div>
          <fieldset>
            <legend className="block text-sm font-medium text-zinc-800">{t.admissionMode}</legend>
            <div className="mt-2 flex gap-4 text-sm">
              {(["AUTO", "RATE"] as const).map((mode) => (
                <label key={mode} className="flex items-center gap-2">
                  <input type="radio" name="admissionMode" value={mode} checked={admissionMode === mode} onChange={() => setAdmissionMode(mode)} className="accent-brand-600" />
                  {adminKo.admission[mode]}
                </label>
              ))}
            </div>
          </fieldset>
          {admissionMode === "RATE"
            ? number("admissionRatePerMinute", t.admissionRatePerMinute, sale?.admissionRatePerMinute ?? 600, { min: admissionRatePerMinute.min })
            : number("overbookingPercent", t.overbookingPercent, sale?.overbookingPercent ?? 120, { ...overbookingPercent, hint: t.overbookingHint })}
          {number("queueOpensMinutesBefore", t.queueOpensMinutesBefore, sale?.queueOpensMinutesBefore ?? 30, queueOpensMinutesBefore)}
          {/* The mode not shown keeps its stored value. */}
          {admissionMode === "RATE" ? (
            <input type="hidden" name="overbookingPercent" value={sale?.overbookingPercent ?? 120} />
          ) : (
            <input type="hidden" name="admissionRatePerMinute" value={sale?.admissionRatePerMinute ?? 600} />
          )}
        </div>
      </fieldset>

      <div className="space-y-3 sm:col-span-2">
        <button type="submit" disabled={mutation.isPending} className={primaryButtonClass}>
          {mutation.isPending ? adminKo.common.saving : sale ? t.submitUpdate : t.submitCreate}
        </button>
      </div>
    </form>
  );
}
