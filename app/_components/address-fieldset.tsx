import { Field } from "~/app/_components/form.tsx";
import { accountKo } from "~/app/_i18n/account.ts";

export type AddressValues = { label: string; recipient: string; phone: string; postalCode: string; address1: string; address2: string };

export const emptyAddress: AddressValues = { label: "", recipient: "", phone: "", postalCode: "", address1: "", address2: "" };

const t = accountKo.address;

/**
 * The address inputs used by sign-up and my page. `errors` is keyed by field path; `errorPrefix` maps nested paths
 * ("address.postalCode" in sign-up, "postalCode" on my page).
 */
export function AddressFieldset(props: {
  legend: string;
  values: AddressValues;
  onChange: (values: AddressValues) => void;
  errors: Record<string, string>;
  errorPrefix?: string;
}) {
  const prefix = props.errorPrefix ?? "";
  const set = (field: keyof AddressValues) => (event: React.ChangeEvent<HTMLInputElement>) => props.onChange({ ...props.values, [field]: event.target.value });
  const error = (field: keyof AddressValues) => props.errors[`${prefix}${field}`];

  return (
    <fieldset className="space-y-4 rounded-xl border border-zinc-200 p-4">
      <legend className="px-1 text-sm font-semibold text-zinc-900">{props.legend}</legend>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label={t.label} placeholder={t.labelPlaceholder} value={props.values.label} onChange={set("label")} error={error("label")} required />
        <Field label={t.recipient} autoComplete="shipping name" value={props.values.recipient} onChange={set("recipient")} error={error("recipient")} required />
        <Field label={t.phone} type="tel" autoComplete="shipping tel" placeholder="010-1234-5678" value={props.values.phone} onChange={set("phone")} error={error("phone")} required />
        <Field
          label={t.postalCode}
          inputMode="numeric"
          autoComplete="shipping postal-code"
          maxLength={5}
          value={props.values.postalCode}
          onChange={set("postalCode")}
          error={error("postalCode")}
          required
        />
      </div>
      <Field
        label={t.address1}
        autoComplete="shipping address-line1"
        placeholder={t.address1Placeholder}
        value={props.values.address1}
        onChange={set("address1")}
        error={error("address1")}
        required
      />
      <Field label={t.address2} autoComplete="shipping address-line2" value={props.values.address2} onChange={set("address2")} error={error("address2")} />
    </fieldset>
  );
}
