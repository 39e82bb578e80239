import { rateLimit } from "~/server/api/rate-limit-middleware.ts";
import { createTRPCRouter, protectedProcedure, publicProcedure, type Context } from "~/server/api/trpc.ts";
import { emailBlindIndex } from "~/server/crypto/pii.ts";
import { changePassword, changePasswordInput } from "~/server/domain/accounts/change-password.ts";
import { createAddress, createAddressInput } from "~/server/domain/accounts/create-address.ts";
import { deleteAddress } from "~/server/domain/accounts/delete-address.ts";
import { addressIdInput, getAddress } from "~/server/domain/accounts/get-address.ts";
import { getProfile } from "~/server/domain/accounts/get-profile.ts";
import { getViewer } from "~/server/domain/accounts/get-viewer.ts";
import { listAddresses } from "~/server/domain/accounts/list-addresses.ts";
import { resendVerification, resendVerificationInput, type ResendVerificationInput } from "~/server/domain/accounts/resend-verification.ts";
import { revokeAllSessions } from "~/server/domain/accounts/session-state.ts";
import { setDefaultAddress } from "~/server/domain/accounts/set-default-address.ts";
import { signUp, signUpInput, type SignUpInput } from "~/server/domain/accounts/sign-up.ts";
import { updateAddress, updateAddressInput } from "~/server/domain/accounts/update-address.ts";
import { updateProfile, updateProfileInput } from "~/server/domain/accounts/update-profile.ts";
import { verifyEmail, verifyEmailInput, type VerifyEmailInput } from "~/server/domain/accounts/verify-email.ts";
import { expiredSessionCookie, mintSessionCookie, newSessionClaims } from "~/server/session.ts";

const byIp = ({ ctx }: { ctx: { ip: string } }) => ctx.ip;
const byEmail = ({ ctx, input }: { ctx: Context; input: { email: string } }) => emailBlindIndex(input.email, ctx.deps.config.pii);

/** The signed-in user's own addresses. Ownership always comes from the session; another user's id is NOT_FOUND. */
const addressRouter = createTRPCRouter({
  list: protectedProcedure.query(({ ctx }) => listAddresses(ctx.deps, { userId: ctx.session.id })),
  get: protectedProcedure.input(addressIdInput).query(({ ctx, input }) => getAddress(ctx.deps, { ...input, userId: ctx.session.id })),
  create: protectedProcedure.input(createAddressInput).mutation(({ ctx, input }) => createAddress(ctx.deps, { ...input, userId: ctx.session.id })),
  update: protectedProcedure.input(updateAddressInput).mutation(({ ctx, input }) => updateAddress(ctx.deps, { ...input, userId: ctx.session.id })),
  delete: protectedProcedure.input(addressIdInput).mutation(({ ctx, input }) => deleteAddress(ctx.deps, { ...input, userId: ctx.session.id })),
  setDefault: protectedProcedure.input(addressIdInput).mutation(({ ctx, input }) => setDefaultAddress(ctx.deps, { ...input, userId: ctx.session.id })),
});

export const accountRouter = createTRPCRouter({
  signUp: publicProcedure
    .input(signUpInput)
    .use(rateLimit("signUpIp", byIp))
    .use(rateLimit<SignUpInput>("signUpEmail", byEmail))
    .mutation(({ ctx, input }) => signUp(ctx.deps, input)),

  verifyEmail: publicProcedure
    .input(verifyEmailInput)
    .use(rateLimit("verifyIp", byIp))
    .use(rateLimit<VerifyEmailInput>("verifyEmail", byEmail))
    .mutation(({ ctx, input }) => verifyEmail(ctx.deps, input)),

  resendVerification: publicProcedure
    .input(resendVerificationInput)
    .use(rateLimit("resendIp", byIp))
    .use(rateLimit<ResendVerificationInput>("resendEmail", byEmail))
    .mutation(({ ctx, input }) => resendVerification(ctx.deps, input)),

  me: protectedProcedure.query(({ ctx }) => getProfile(ctx.deps, { userId: ctx.session.id })),

  /** Signed in or not, role and cart badge: what cached public pages leave to the browser. Null when signed out. */
  viewer: publicProcedure.meta({ fastPath: true }).query(({ ctx }) => getViewer(ctx.deps, { session: ctx.session })),

  updateProfile: protectedProcedure
    .input(updateProfileInput)
    .mutation(({ ctx, input }) => updateProfile(ctx.deps, { ...input, userId: ctx.session.id })),

  /** Ends every other session; this one continues under a re-issued cookie carrying the new session version. */
  changePassword: protectedProcedure
    .input(changePasswordInput)
    .use(rateLimit("changePasswordUser", ({ ctx }) => ctx.session?.id ?? ctx.ip))
    .mutation(async ({ ctx, input }) => {
      const { sessionVersion, role } = await changePassword(ctx.deps, { ...input, userId: ctx.session.id });
      if (!ctx.appendResponseHeader || !ctx.session.cookieName) return { isSessionRenewed: false };

      const cookie = await mintSessionCookie(newSessionClaims({ id: ctx.session.id, role, sessionVersion }), { cookieName: ctx.session.cookieName });
      ctx.appendResponseHeader("set-cookie", cookie.header);
      return { isSessionRenewed: true };
    }),

  /** Every session of this user ends now, this one included (its cookie is cleared in the same response). */
  logoutEverywhere: protectedProcedure.mutation(async ({ ctx }) => {
    await revokeAllSessions(ctx.deps, { userId: ctx.session.id });
    if (ctx.appendResponseHeader && ctx.session.cookieName) ctx.appendResponseHeader("set-cookie", expiredSessionCookie(ctx.session.cookieName));
    return { ok: true as const };
  }),

  address: addressRouter,
});
