import { handlers } from "~/server/auth.ts";

export const { GET, POST } = handlers;
