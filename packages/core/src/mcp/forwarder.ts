/**
 * The parent's half of the MCP relay (Option B): a loopback TCP port in the namespace the
 * workers share, whose connections are passed byte for byte to the host relay's unix socket
 * under HAL9000_HOME (mounted in the parent). The parent speaks no MCP and parses no HTTP, so
 * its bundle stays small; when the relay is not there, a connection gets one short HTTP 503
 * naming the cause, so Claude in a worker marks the server failed at once instead of waiting.
 */
import { connect, createServer, type Server, type Socket } from "node:net";

/** The port the relay is reached at, on the loopback of the parent's (and every worker's) namespace. */
export const MCP_RELAY_PORT = 39090;
/** The loopback address only: nothing outside the namespace can reach the port. */
export const MCP_RELAY_HOST = "127.0.0.1";

const unavailable = (why: string): string => {
  const body = JSON.stringify({
    jsonrpc: "2.0",
    error: {
      code: -32000,
      message: `hal9000 MCP relay unavailable: ${why} (start it on the host: hal9000 mcp relay -d)`,
    },
    id: null,
  });
  return [
    "HTTP/1.1 503 Service Unavailable",
    "Content-Type: application/json",
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Connection: close",
    "",
    body,
  ].join("\r\n");
};

function forward(client: Socket, socketPath: string): void {
  const upstream = connect(socketPath);
  let connected = false;
  client.on("error", () => upstream.destroy());
  upstream.once("connect", () => {
    connected = true;
    client.pipe(upstream);
    upstream.pipe(client);
  });
  upstream.on("error", (err: NodeJS.ErrnoException) => {
    if (connected) {
      client.destroy();
      return;
    }
    const why = err.code === "ENOENT" ? "the relay is not running" : `${err.code ?? err.message}`;
    client.end(unavailable(why));
  });
  upstream.on("close", () => client.end());
  client.on("close", () => upstream.destroy());
}

export interface McpForwarder {
  readonly port: number;
  close(): Promise<void>;
}

/** Listens on MCP_RELAY_HOST:port and forwards every connection to `socketPath`. */
export function startMcpForwarder(socketPath: string, port = MCP_RELAY_PORT): Promise<McpForwarder> {
  const open = new Set<Socket>();
  // No Nagle on the worker's side: a response comes in pieces (headers, then SSE events), and a
  // held-back last piece waits for the client's delayed ACK (~40 ms a call, measured).
  const server: Server = createServer({ noDelay: true }, (client) => {
    open.add(client);
    client.once("close", () => open.delete(client));
    forward(client, socketPath);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, MCP_RELAY_HOST, () => {
      server.off("error", reject);
      const address = server.address();
      resolve({
        port: typeof address === "object" && address ? address.port : port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const s of open) s.destroy(); // keep-alive clients would hold close() open
          }),
      });
    });
  });
}
