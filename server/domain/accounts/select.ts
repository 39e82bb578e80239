import { decryptOptionalPii, decryptPii, encryptOptionalPii, encryptPii } from "~/server/crypto/pii.ts";
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

export function toProfileDto(row: ProfileRow) {
  return {
    id: row.id,
    email: decryptPii(row.emailEnc),
    name: decryptPii(row.nameEnc),
    phone: decryptOptionalPii(row.phoneEnc),
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

export function toAddressDto(row: AddressRow) {
  return {
    id: row.id,
    label: row.label,
    recipient: decryptPii(row.recipientEnc),
    phone: decryptPii(row.phoneEnc),
    postalCode: decryptPii(row.postalCodeEnc),
    address1: decryptPii(row.address1Enc),
    address2: decryptOptionalPii(row.address2Enc),
    isDefault: row.isDefault,
  };
}
export type AddressDto = ReturnType<typeof toAddressDto>;

/** The stored form of an address: every personal field encrypted, each with its own random IV. */
export function encryptAddressFields(fields: AddressFields) {
  return {
    label: fields.label,
    recipientEnc: encryptPii(fields.recipient),
    phoneEnc: encryptPii(fields.phone),
    postalCodeEnc: encryptPii(fields.postalCode),
    address1Enc: encryptPii(fields.address1),
    address2Enc: encryptOptionalPii(fields.address2),
  };
}

/** Address ordering everywhere: the default first, then newest. */
export const addressOrderBy = [{ isDefault: "desc" as const }, { createdAt: "desc" as const }, { id: "desc" as const }];
