import { defineConfig } from "prisma/config";

// The native schema engine cannot be downloaded here; the stub lets `prisma generate` run (see scripts/migrate.ts).
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= new URL("./scripts/schema-engine-stub", import.meta.url).pathname;

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx prisma/seed.ts" },
  datasource: { url: process.env.DATABASE_URL ?? "mysql://root@127.0.0.1:3306/flashmart" },
});
