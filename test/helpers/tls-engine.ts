/**
 * The machine's Docker engine served over mutual TLS on a loopback port: a TLS-terminating
 * proxy on 127.0.0.1 in front of the main socket, with a CA, a server and a client
 * certificate the test generates with openssl. DOCKER_TLS_VERIFY clients need `clientCerts`.
 */
import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import path from "node:path";
import { createServer, type Server } from "node:tls";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface TlsEngine {
  host: string;
  port: number;
  /** A directory with ca.pem, cert.pem and key.pem, as DOCKER_CERT_PATH wants it. */
  clientCerts: string;
  /** The CA that signed the server and client certificates. */
  caFile: string;
  close(): Promise<void>;
}

/** A CA in `dir`, and a certificate it signs for each of `leaves` (name → openssl extensions). */
export async function makeCertificates(dir: string, leaves: Record<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await run(
    "openssl",
    ["req", "-x509", ...key, "-keyout", `${dir}/ca-key.pem`, "-out", `${dir}/ca.pem`].concat([
      "-days",
      "2",
      "-subj",
      "/CN=hal9000 test CA",
    ]),
  );
  for (const [name, extensions] of Object.entries(leaves)) {
    await writeFile(`${dir}/${name}.ext`, extensions);
    await run(
      "openssl",
      ["req", ...key, "-keyout", `${dir}/${name}-key.pem`, "-out", `${dir}/${name}.csr`].concat([
        "-subj",
        `/CN=${name}`,
      ]),
    );
    await run(
      "openssl",
      ["x509", "-req", "-in", `${dir}/${name}.csr`, "-CA", `${dir}/ca.pem`]
        .concat(["-CAkey", `${dir}/ca-key.pem`, "-CAcreateserial", "-days", "2"])
        .concat(["-extfile", `${dir}/${name}.ext`, "-out", `${dir}/${name}-cert.pem`]),
    );
  }
}

export async function startTlsEngine(dir: string, socketPath = "/var/run/docker.sock"): Promise<TlsEngine> {
  await makeCertificates(dir, {
    server: "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
    client: "extendedKeyUsage=clientAuth\n",
  });
  const clientCerts = path.join(dir, "client-certs");
  await mkdir(clientCerts);
  await writeFile(path.join(clientCerts, "ca.pem"), await readFile(`${dir}/ca.pem`));
  await writeFile(path.join(clientCerts, "cert.pem"), await readFile(`${dir}/client-cert.pem`));
  await writeFile(path.join(clientCerts, "key.pem"), await readFile(`${dir}/client-key.pem`));

  const sockets = new Set<Socket>();
  const server: Server = createServer(
    {
      key: await readFile(`${dir}/server-key.pem`),
      cert: await readFile(`${dir}/server-cert.pem`),
      ca: await readFile(`${dir}/ca.pem`),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (client) => {
      const engine = connect(socketPath);
      for (const s of [client, engine]) {
        sockets.add(s);
        s.on("error", () => {
          client.destroy();
          engine.destroy();
        });
        s.on("close", () => sockets.delete(s));
      }
      client.pipe(engine).pipe(client);
    },
  );
  server.on("tlsClientError", () => undefined); // a refused client is what some tests want
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("TLS proxy has no port");
  return {
    host: "127.0.0.1",
    port: address.port,
    clientCerts,
    caFile: `${dir}/ca.pem`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
