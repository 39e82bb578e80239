/**
 * Talking to single nodes of the local Redis clusters the drills start (scripts/redis-cluster.sh): one short-lived
 * connection per question, and the cluster's own view of its nodes and slots. Shared by bench-redis-topology.ts and
 * drill-queue.ts.
 */
import { Redis as IORedis } from "ioredis";

/** A lazy connection to one node that gives up instead of retrying (drills kill nodes on purpose). */
export function nodeConnection(address: string) {
  const [host, port] = address.split(":");
  const connection = new IORedis({ host: host!, port: Number(port), lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null, connectTimeout: 2_000 });
  connection.on("error", () => {});
  return connection;
}

/** Runs `query` on a fresh connection to one node (`host:port`) and closes it. */
export async function withNode<T>(address: string, query: (connection: IORedis) => Promise<T>): Promise<T> {
  const connection = nodeConnection(address);
  try {
    await connection.connect();
    return await query(connection);
  } finally {
    connection.disconnect();
  }
}

export type ClusterNode = { id: string; address: string; role: "master" | "slave"; masterId: string | null; slots: Array<[number, number]> };

/** The healthy nodes as `CLUSTER NODES` on `seed` lists them, with the slot ranges each primary serves. */
export async function clusterNodes(seed: string): Promise<ClusterNode[]> {
  const text = await withNode(seed, (connection) => connection.call("CLUSTER", "NODES") as Promise<string>);
  return text
    .trim()
    .split("\n")
    .map((line) => line.split(" "))
    .filter((fields) => !fields[2]!.includes("fail") && !fields[2]!.includes("noaddr"))
    .map((fields) => ({
      id: fields[0]!,
      address: fields[1]!.split("@")[0]!,
      role: fields[2]!.includes("master") ? ("master" as const) : ("slave" as const),
      masterId: fields[3] === "-" ? null : fields[3]!,
      slots: fields.slice(8).filter((range) => !range.startsWith("[")).map((range) => {
        const [from, to] = range.split("-").map(Number);
        return [from!, to ?? from!] as [number, number];
      }),
    }));
}
