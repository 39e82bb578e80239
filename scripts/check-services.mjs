// Runs before dependencies are installed (plain Node, no packages): are MariaDB and Redis reachable?
// Says exactly what is missing and how to start it, and exits non-zero.
import { existsSync, readFileSync } from "node:fs";
import { connect } from "node:net";

function readDotEnv(file) {
  if (!existsSync(file)) return {};
  return Object.fromEntries(
    readFileSync(file, "utf8")
      .split("\n")
      .map((line) => line.match(/^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/))
      .filter(Boolean)
      .map((match) => [match[1], match[2].replace(/^["']|["']$/g, "")]),
  );
}

const fileEnv = { ...readDotEnv(".env"), ...readDotEnv(".env.local") };
const setting = (name, fallback) => process.env[name] || fileEnv[name] || fallback;

const databaseUrl = new URL(setting("DATABASE_URL", "mysql://root@127.0.0.1:3306/flashmart"));
const usesUpstash = Boolean(setting("UPSTASH_REDIS_REST_URL", ""));
const redisUrl = new URL(setting("REDIS_URL", "redis://127.0.0.1:6379"));
// With a cluster configured, its first seed stands for it (ioredis finds the other nodes from any one).
const clusterSeed = setting("REDIS_CLUSTER_NODES", "").split(",")[0]?.trim();
const redisAddress = clusterSeed ? new URL(`redis://${clusterSeed}`) : redisUrl;

const services = [
  {
    name: "MariaDB/MySQL",
    host: databaseUrl.hostname,
    port: Number(databaseUrl.port || 3306),
    howToStart: "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd   (or: docker compose up -d mysql)",
  },
  ...(usesUpstash
    ? []
    : [
        {
          name: clusterSeed ? "Redis Cluster" : "Redis",
          host: redisAddress.hostname,
          port: Number(redisAddress.port || 6379),
          howToStart: clusterSeed
            ? "scripts/redis-cluster.sh start"
            : 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no   (or: docker compose up -d redis)',
        },
      ]),
];

function isReachable({ host, port }) {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(false));
  });
}

const missing = [];
for (const service of services) {
  if (!(await isReachable(service))) missing.push(service);
}
if (missing.length > 0) {
  for (const service of missing) {
    console.error(`✗ ${service.name} is not reachable at ${service.host}:${service.port}.\n  Start it with: ${service.howToStart}`);
  }
  console.error("Set DATABASE_URL / REDIS_URL in .env.local if your services run elsewhere.");
  process.exit(1);
}
console.log(`✓ ${services.map((service) => `${service.name} ${service.host}:${service.port}`).join(", ")} reachable`);
