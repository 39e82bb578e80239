import { z } from "zod";

import { normalizeEmail } from "~/server/crypto/normalize-email.ts";

/**
 * Field rules shared by sign-up, profile and address forms, on the server (procedure inputs) and in the browser (forms
 * validate with these same schemas before sending), so this file imports nothing with server dependencies. Messages
 * are Korean because forms show them as-is.
 */

// Control characters have no place in a name or an address line and would corrupt labels and logs.
const CONTROL_CHARACTERS = /\p{Cc}/u;

const codePointLength = (value: string) => [...value].length;

function text(options: { label: string; max: number }) {
  return z
    .string()
    .trim()
    .normalize("NFC")
    .min(1, `${options.label}을(를) 입력해 주세요.`)
    .refine((value) => codePointLength(value) <= options.max, `${options.label}은(는) ${options.max}자 이하로 입력해 주세요.`)
    .refine((value) => !CONTROL_CHARACTERS.test(value), `${options.label}에 사용할 수 없는 문자가 있습니다.`);
}

export const emailField = z
  .string()
  .trim()
  .max(254, "이메일이 너무 깁니다.")
  .pipe(z.email("올바른 이메일 주소를 입력해 주세요."))
  .transform(normalizeEmail);

/** Any script is welcome (김철수, José, 山田): NFC-normalised so the same name always encrypts from the same text. */
export const personNameField = text({ label: "이름", max: 50 });

/**
 * Korean phone numbers, mobile or landline, with or without hyphens; stored in one canonical hyphenated form so the
 * UI shows the same thing whatever was typed.
 */
export const phoneField = z
  .string()
  .trim()
  .max(20, "전화번호가 너무 깁니다.")
  .transform((value) => value.replace(/[\s-]/g, ""))
  .refine((digits) => /^0\d{8,10}$/.test(digits), "전화번호를 010-1234-5678 형식으로 입력해 주세요.")
  .transform(formatKoreanPhone);

export function formatKoreanPhone(digits: string) {
  if (digits.startsWith("02")) return `02-${digits.slice(2, -4)}-${digits.slice(-4)}`;
  return `${digits.slice(0, 3)}-${digits.slice(3, -4)}-${digits.slice(-4)}`;
}

const PASSWORD_MIN = 8;
const PASSWORD_MAX = 64;

/** 8–64 characters with at least one letter, one digit and one symbol. "Not the email" needs both fields; see below. */
export const passwordField = z
  .string()
  .refine((value) => codePointLength(value) >= PASSWORD_MIN, `비밀번호는 ${PASSWORD_MIN}자 이상이어야 합니다.`)
  .refine((value) => codePointLength(value) <= PASSWORD_MAX, `비밀번호는 ${PASSWORD_MAX}자 이하여야 합니다.`)
  .refine((value) => /\p{L}/u.test(value), "비밀번호에 영문자를 포함해 주세요.")
  .refine((value) => /\p{N}/u.test(value), "비밀번호에 숫자를 포함해 주세요.")
  .refine((value) => /[^\p{L}\p{N}\s]/u.test(value), "비밀번호에 특수문자를 포함해 주세요.");

export const PASSWORD_EQUALS_EMAIL_MESSAGE = "비밀번호는 이메일과 같을 수 없습니다.";

export function isPasswordEqualToEmail(password: string, email: string) {
  return normalizeEmail(password) === normalizeEmail(email);
}

export const addressFields = z.object({
  label: text({ label: "배송지 이름", max: 20 }),
  recipient: text({ label: "받는 분", max: 50 }),
  phone: phoneField,
  postalCode: z.string().trim().regex(/^\d{5}$/, "우편번호 5자리를 입력해 주세요."),
  address1: text({ label: "주소", max: 200 }),
  address2: z
    .string()
    .trim()
    .normalize("NFC")
    .refine((value) => codePointLength(value) <= 200, "상세 주소는 200자 이하로 입력해 주세요.")
    .refine((value) => !CONTROL_CHARACTERS.test(value), "상세 주소에 사용할 수 없는 문자가 있습니다.")
    .optional()
    .transform((value) => (value ? value : null)),
});
export type AddressFields = z.infer<typeof addressFields>;

/** Whole forms, composed once so the procedure inputs and the browser forms cannot drift apart. */
export const signUpFields = z
  .object({
    email: emailField,
    password: passwordField,
    name: personNameField,
    phone: phoneField,
    /** Optional first shipping address; it becomes the default. */
    address: addressFields.optional(),
  })
  .refine((input) => !isPasswordEqualToEmail(input.password, input.email), { message: PASSWORD_EQUALS_EMAIL_MESSAGE, path: ["password"] });

export const profileFields = z.object({ name: personNameField, phone: phoneField });

export const verificationCodeFields = z.object({
  email: emailField,
  code: z.string().trim().regex(/^\d{6}$/, "인증번호 6자리 숫자를 입력해 주세요."),
});

export const changePasswordFields = z
  .object({
    currentPassword: z.string().min(1, "현재 비밀번호를 입력해 주세요.").max(128),
    newPassword: passwordField,
  })
  .refine((input) => input.currentPassword !== input.newPassword, { message: "새 비밀번호가 현재 비밀번호와 같습니다.", path: ["newPassword"] });
