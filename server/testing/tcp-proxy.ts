import { createServer, connect, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

/**
 * A TCP proxy that tests can cut and restore, so "MariaDB/Redis went away" is a real network fault for the code
 * under test (its pool sees dead sockets and refused connections), not a mock.
 */
export async function startTcpProxy(target: { host: string; port: number }, listenPort = 0) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = listenPort;

  async function up() {
    server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on("error", drop).on("close", drop);
      upstream.on("error", drop).on("close", drop);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server!.once("error", reject);
      server!.listen(port, "127.0.0.1", () => resolve());
    });
    port = (server.address() as AddressInfo).port;
  }

  async function down() {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  }

  await up();
  return { get port() { return port; }, up, down };
}
