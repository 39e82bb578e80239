// The Redis-touching integration tests once more, against a local Redis Cluster (scripts/redis-cluster.sh start) instead
// of the single Redis: reservation and purchase tokens, the waiting room, rate limits, the session re-check, sale
// reconcile and the timeline, the shared payment breaker, the public page feed, and the cluster requester's own tests
// (*.cluster.test.ts).
import { defineConfig } from "vitest/config";

import base from "./vitest.config.ts";

// Read by server/env.js in the setup process and in every worker (they inherit this process's environment).
process.env.REDIS_CLUSTER_NODES ||= "127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003";

export const clusterTestFiles = [
  "server/**/*.cluster.test.ts",
  "server/api/routers/sale.test.ts",
  "server/api/routers/admin-sale-dashboard.test.ts",
  "server/domain/sales/waiting-room.test.ts",
  "server/domain/sales/stock-buckets.test.ts",
  "server/domain/sales/queue-log.test.ts",
  "server/domain/sales/lost-wins.test.ts",
  "server/domain/accounts/session-state.test.ts",
  "server/rate-limit.test.ts",
  "server/payments/shared-breaker.test.ts",
  "server/http/public-page-feed.test.ts",
];

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    name: "redis-cluster",
    include: clusterTestFiles,
    exclude: (base.test?.exclude ?? []).filter((pattern) => pattern !== "**/*.cluster.test.ts"),
  },
});
