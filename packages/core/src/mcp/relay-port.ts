/**
 * The parent opens the relay's loopback port only while mcp.json lists servers, and closes it
 * when the list empties: with none configured the parent listens on nothing. The file is
 * polled (HAL9000_HOME is a bind mount: file-change events from the host are not reliable).
 */
import { type HomeLayout, mcpRelayFiles, readMcpConfig } from "@hal9000/volumes";
import { MCP_RELAY_PORT, type McpForwarder, startMcpForwarder } from "./forwarder.js";

export interface RelayPortLog {
  info(message: string): void;
  error(message: string): void;
}

export interface RelayPort {
  /** Whether the port is open now. */
  readonly open: boolean;
  /** Reads mcp.json again and opens or closes the port to match. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export async function watchRelayPort(
  layout: HomeLayout,
  log: RelayPortLog,
  opts: { intervalMs?: number; port?: number } = {},
): Promise<RelayPort> {
  let forwarder: McpForwarder | undefined;
  let lastProblem = "";
  let busy: Promise<void> = Promise.resolve();
  const socket = mcpRelayFiles(layout).socket;
  const port = opts.port ?? MCP_RELAY_PORT;

  const syncOnce = async () => {
    let count: number;
    try {
      count = Object.keys((await readMcpConfig(layout.home)).servers).length;
    } catch (err) {
      const problem = `MCP relay port: ${(err as Error).message}`;
      if (problem !== lastProblem) log.error(problem);
      lastProblem = problem;
      return; // a bad file changes nothing: the port stays as it was
    }
    lastProblem = "";
    if (count > 0 && !forwarder) {
      try {
        forwarder = await startMcpForwarder(socket, port);
        log.info(
          `MCP relay port open: 127.0.0.1:${forwarder.port} → ${socket} (${count} servers configured)`,
        );
      } catch (err) {
        log.error(`MCP relay port ${port} could not open: ${(err as Error).message}`);
      }
    } else if (count === 0 && forwarder) {
      await forwarder.close();
      forwarder = undefined;
      log.info("MCP relay port closed: no servers configured");
    }
  };
  const sync = () => {
    busy = busy.then(syncOnce, syncOnce);
    return busy;
  };
  await sync();
  const timer = setInterval(() => void sync(), opts.intervalMs ?? 2000);
  timer.unref();
  return {
    get open() {
      return forwarder !== undefined;
    },
    sync,
    async close() {
      clearInterval(timer);
      await busy;
      await forwarder?.close();
      forwarder = undefined;
    },
  };
}
