/**
 * GET over node:http(s) with the user's npm network settings: through an HTTP proxy (CONNECT
 * tunnel for https:// targets, absolute-form requests for http://), NO_PROXY, per-URL
 * credentials, extra CAs, redirects. Node's fetch ignores HTTPS_PROXY, and undici's ProxyAgent
 * would add ~0.5 MB to the parent's bundle, so this is the small part of it hal9000 needs.
 */
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import type { NpmSettings } from "./npm-config.js";

export type NetworkSettings = Pick<NpmSettings, "proxyFor" | "authFor" | "ca" | "strictSSL">;

export interface HttpGetOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  net: NetworkSettings;
}

/** A failure on the way to the server; `via` is the proxy it went through, if any. */
export class HttpGetError extends Error {
  constructor(
    message: string,
    readonly via: URL | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const MAX_REDIRECTS = 5;
const redirected = (status: number) => [301, 302, 303, 307, 308].includes(status);
const proxyAuth = (proxy: URL) =>
  proxy.username
    ? `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString("base64")}`
    : undefined;
/** A proxy URL for messages: never its user:password. */
const shown = (proxy: URL) => `${proxy.protocol}//${proxy.host}`;

/** The response (any status) to GET `url`, after following redirects. The caller reads or drains the body. */
export async function httpGet(url: string, opts: HttpGetOptions): Promise<IncomingMessage> {
  let target = new URL(url);
  for (let hops = 0; ; hops++) {
    const res = await getOnce(target, opts);
    const location = res.headers.location;
    if (!redirected(res.statusCode ?? 0) || !location || hops >= MAX_REDIRECTS) return res;
    res.resume();
    target = new URL(location, target);
  }
}

async function getOnce(url: URL, opts: HttpGetOptions): Promise<IncomingMessage> {
  const { net, signal } = opts;
  signal?.throwIfAborted();
  const proxy = net.proxyFor(url);
  const headers: OutgoingHttpHeaders = { ...opts.headers };
  // Credentials are chosen per URL, so a redirect to another host does not carry them along.
  const auth = net.authFor(url);
  if (auth) headers.authorization = auth;
  const tls = { ca: net.ca, rejectUnauthorized: net.strictSSL };
  const https = url.protocol === "https:";

  if (!proxy) return send(https ? httpsRequest : httpRequest, url, { headers, signal, ...tls }, undefined);
  if (!https) {
    // Plain http through the proxy: the request line carries the absolute URL.
    const pa = proxyAuth(proxy);
    return send(
      proxy.protocol === "https:" ? httpsRequest : httpRequest,
      proxy,
      {
        path: url.href,
        headers: { ...headers, host: url.host, ...(pa && { "proxy-authorization": pa }) },
        signal,
      },
      proxy,
    );
  }
  const socket = await tunnel(proxy, url, signal);
  return send(
    httpsRequest,
    url,
    {
      headers,
      signal,
      ...tls,
      // No agent: the request runs on this TLS stream inside the tunnel.
      createConnection: () =>
        tlsConnect({
          socket,
          host: url.hostname,
          ...(isIP(url.hostname) === 0 && { servername: url.hostname }),
          ...tls,
        }),
    },
    proxy,
  );
}

type Requester = typeof httpRequest;

function send(
  requester: Requester,
  url: URL,
  options: Parameters<Requester>[1],
  via: URL | undefined,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = requester(url, { method: "GET", ...options }, resolve);
    req.on("error", (err) =>
      reject(
        options.signal?.aborted
          ? options.signal.reason
          : new HttpGetError(via ? `${err.message} (through the proxy ${shown(via)})` : err.message, via, {
              cause: err,
            }),
      ),
    );
    req.end();
  });
}

/** A TCP stream to `url`'s host:port through the proxy's CONNECT. */
function tunnel(proxy: URL, url: URL, signal: AbortSignal | undefined): Promise<Socket> {
  const authority = `${url.hostname}:${url.port || 443}`;
  const pa = proxyAuth(proxy);
  return new Promise((resolve, reject) => {
    const req = (proxy.protocol === "https:" ? httpsRequest : httpRequest)({
      host: proxy.hostname.replace(/^\[|\]$/g, ""),
      port: proxy.port || (proxy.protocol === "https:" ? 443 : 80),
      method: "CONNECT",
      path: authority,
      headers: { host: authority, ...(pa && { "proxy-authorization": pa }) },
      signal,
    });
    req.on("connect", (res, socket) => {
      if (res.statusCode === 200) return resolve(socket);
      socket.destroy();
      reject(
        new HttpGetError(
          `the proxy ${shown(proxy)} refused CONNECT ${authority}: ${res.statusCode} ${res.statusMessage ?? ""}`.trim(),
          proxy,
        ),
      );
    });
    req.on("error", (err) =>
      reject(
        signal?.aborted
          ? signal.reason
          : new HttpGetError(`cannot reach the proxy ${shown(proxy)}: ${err.message}`, proxy, { cause: err }),
      ),
    );
    req.end();
  });
}
