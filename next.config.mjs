import { env } from "./server/env.js";

const isProduction = env.NODE_ENV === "production";

// Pages get a per-request nonce-based Content-Security-Policy from proxy.ts (server/http/content-security-policy.ts).
// API responses get this one: they are data, nothing in them may run or be framed.
const nonPageContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
  ...(isProduction ? [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }] : []),
];

/** @type {import("next").NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  distDir: env.NEXT_DIST_DIR,
  reactStrictMode: true,
  serverExternalPackages: ["@node-rs/argon2", "mariadb", "ioredis", "@prisma/adapter-mariadb"],
  // forbidden() renders app/forbidden.tsx with status 403 (admin pages for non-admins).
  experimental: { authInterrupts: true },
  async headers() {
    return [
      { source: "/:path*", headers: securityHeaders },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: nonPageContentSecurityPolicy }] },
    ];
  },
};

export default nextConfig;
