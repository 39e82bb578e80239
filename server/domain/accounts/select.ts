import { decryptOptionalPii, decryptPii, encryptOptionalPii, encryptPii, type PiiKeyring } from "~/server/crypto/pii.ts";
import type { AddressFields } from "~/server/domain/accounts/account-fields.ts";

/** Columns a profile DTO is built from; decrypted only here, never logged. */
export const profileSelect = {
  id: true,
  emailEnc: true,
  nameEnc: true,
  phoneEnc: true,
  role: true,
  emailVerifiedAt: true,
  createdAt: true,
} as const;

type ProfileRow = { id: string; emailEnc: string; nameEnc: string; phoneEnc: string | null; role: "USER" | "ADMIN"; emailVerifiedAt: Date | null; createdAt: Date };

export function toProfileDto(row: ProfileRow, keyring: PiiKeyring) {
  return {
    id: row.id,
    email: decryptPii(row.emailEnc, keyring),
    name: decryptPii(row.nameEnc, keyring),
    phone: decryptOptionalPii(row.phoneEnc, keyring),
    role: row.role,
    isEmailVerified: row.emailVerifiedAt !== null,
    createdAt: row.createdAt,
  };
}
export type ProfileDto = ReturnType<typeof toProfileDto>;

export const addressSelect = {
  id: true,
  label: true,
  recipientEnc: true,
  phoneEnc: true,
  postalCodeEnc: true,
  address1Enc: true,
  address2Enc: true,
  isDefault: true,
  createdAt: true,
} as const;

type AddressRow = {
  id: number;
  label: string;
  recipientEnc: string;
  phoneEnc: string;
  postalCodeEnc: string;
  address1Enc: string;
  address2Enc: string | null;
  isDefault: boolean;
  createdAt: Date;
};

export function toAddressDto(row: AddressRow, keyring: PiiKeyring) {
  return {
    id: row.id,
    label: row.label,
    recipient: decryptPii(row.recipientEnc, keyring),
    phone: decryptPii(row.phoneEnc, keyring),
    postalCode: decryptPii(row.postalCodeEnc, keyring),
    address1: decryptPii(row.address1Enc, keyring),
    address2: decryptOptionalPii(row.address2Enc, keyring),
    isDefault: row.isDefault,
  };
}
export type AddressDto = ReturnType<typeof toAddressDto>;

/** The stored form of an address: every personal field encrypted, each with its own random IV. */
export function encryptAddressFields(fields: AddressFields, keyring: PiiKeyring) {
  return {
    label: fields.label,
    recipientEnc: encryptPii(fields.recipient, keyring),
    phoneEnc: encryptPii(fields.phone, keyring),
    postalCodeEnc: encryptPii(fields.postalCode, keyring),
    address1Enc: encryptPii(fields.address1, keyring),
    address2Enc: encryptOptionalPii(fields.address2, keyring),
  };
}

/** Address ordering everywhere: the default first, then newest. */
export const addressOrderBy = [{ isDefault: "desc" as const }, { createdAt: "desc" as const }, { id: "desc" as const }];
