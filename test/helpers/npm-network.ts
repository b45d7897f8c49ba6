/**
 * The network a user behind a company proxy has, on loopback: an npm registry served over
 * HTTPS (with a CA the test makes, as a company registry would have) serving a stand-in
 * `@anthropic-ai/claude-code-linux-x64`, and an HTTP CONNECT proxy that records what passed.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { connect, type Socket } from "node:net";
import { gzipSync } from "node:zlib";
import { tarOneFile } from "./tar.js";
import { makeCertificates } from "./tls-engine.js";

export interface RegistryRequest {
  url: string;
  authorization: string | undefined;
}

export interface NpmRegistryStub {
  /** https://127.0.0.1:PORT/ */
  url: string;
  port: number;
  /** PEM file of the CA that signed the registry's certificate (npm's `cafile`). */
  caFile: string;
  requests: RegistryRequest[];
  close(): Promise<void>;
}

const PLATFORM_PACKAGE = "@anthropic-ai/claude-code-linux-x64";

/** A registry serving `version` of the Claude platform package, whose `claude` prints `script`'s output. */
export async function startNpmRegistry(
  dir: string,
  version: string,
  script: string,
): Promise<NpmRegistryStub> {
  await makeCertificates(dir, { registry: "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n" });
  const tgz = gzipSync(tarOneFile("package/claude", Buffer.from(script), 0o755));
  const integrity = `sha512-${createHash("sha512").update(tgz).digest("base64")}`;
  const requests: RegistryRequest[] = [];
  let base = "";
  const server = createHttpsServer(
    { key: await readFile(`${dir}/registry-key.pem`), cert: await readFile(`${dir}/registry-cert.pem`) },
    (req, res) => {
      requests.push({ url: req.url ?? "", authorization: req.headers.authorization });
      if (req.url === `/${PLATFORM_PACKAGE.replace("/", "%2f")}`) {
        res.setHeader("content-type", "application/json");
        res.end(
          JSON.stringify({
            "dist-tags": { latest: version },
            versions: {
              [version]: {
                name: PLATFORM_PACKAGE,
                version,
                dist: { integrity, tarball: `${base}claude-${version}.tgz` },
              },
            },
          }),
        );
      } else if (req.url === `/claude-${version}.tgz`) {
        res.setHeader("content-length", tgz.length);
        res.end(tgz);
      } else {
        res.statusCode = 404;
        res.end("{}");
      }
    },
  );
  const port = await listen(server);
  base = `https://127.0.0.1:${port}/`;
  return { url: base, port, caFile: `${dir}/ca.pem`, requests, close: () => close(server) };
}

export interface ConnectProxy {
  /** http://127.0.0.1:PORT */
  url: string;
  /** CONNECT targets (host:port) and absolute-form request lines that came through, in order. */
  passed: string[];
  close(): Promise<void>;
}

/** An HTTP proxy on loopback that tunnels CONNECT to loopback targets only; `refuse` answers 407 instead. */
export async function startConnectProxy(opts: { refuse?: boolean } = {}): Promise<ConnectProxy> {
  const passed: string[] = [];
  const sockets = new Set<Socket>();
  const server = createHttpServer((req, res) => {
    passed.push(`${req.method} ${req.url}`);
    res.statusCode = 502;
    res.end("this test proxy only tunnels");
  });
  server.on("connect", (req, client: Socket, head: Buffer) => {
    const target = req.url ?? "";
    passed.push(`CONNECT ${target}`);
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    const m = /^127\.0\.0\.1:(\d+)$/.exec(target);
    if (opts.refuse || !m) {
      client.end(
        opts.refuse
          ? "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n"
          : "HTTP/1.1 403 Forbidden\r\n\r\n",
      );
      return;
    }
    const upstream = connect(Number(m[1]), "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    for (const s of [client, upstream]) s.on("error", () => (s === client ? upstream : client).destroy());
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    passed,
    close: async () => {
      for (const s of sockets) s.destroy();
      await close(server);
    },
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
