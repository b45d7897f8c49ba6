import { type Hal9000Config, type HomeLayout, homeLayout, resolveHome } from "@hal9000/volumes";
import type { Hal9000Api } from "./api.js";
import { Output } from "./output.js";
import type { Services } from "./services.js";
import { colorSupport } from "./style.js";

/** The options every command takes (their table is in global-options.ts). */
export interface GlobalArgs {
  json?: boolean;
  home?: string;
  verbose?: boolean;
  help?: boolean;
  version?: boolean;
}

/**
 * One run of the CLI, as a command sees it: the injected services, the output (set up from
 * the global options) and the Hal9000 it opens on first use.
 */
export class Context {
  out: Output;
  private home: string | undefined;
  private flags: Partial<Hal9000Config> = {};
  private opened: Promise<Hal9000Api> | undefined;

  constructor(
    readonly services: Services,
    rawArgv: readonly string[],
  ) {
    // Until the command line is parsed, the raw flags decide how a usage error is shown.
    this.out = this.makeOutput(rawArgv.includes("--json"), rawArgv.includes("--verbose"));
  }

  /** Called once the global options are parsed. */
  configure(args: GlobalArgs, configFlags: Partial<Hal9000Config>): void {
    this.out = this.makeOutput(args.json === true, args.verbose === true);
    if (args.verbose) this.services.enableDebug();
    this.home = args.home;
    this.flags = configFlags;
  }

  /** The Hal9000 for this run's home, env and config flags; opened once. */
  open(): Promise<Hal9000Api> {
    this.opened ??= this.services.open({
      home: this.home,
      env: this.services.env,
      flags: this.flags,
      cwd: this.services.cwd,
    });
    return this.opened;
  }

  /**
   * The layout to inspect: the opened Hal9000's, or, when the config is unreadable, the
   * default layout of this home (so status and doctor can still say what is wrong).
   */
  async layoutForDiagnosis(): Promise<{ layout: HomeLayout; hal?: Hal9000Api; error?: unknown }> {
    try {
      const hal = await this.open();
      return { layout: hal.layout, hal };
    } catch (error) {
      if ((error as { code?: unknown }).code !== "INVALID_CONFIG") throw error;
      return { layout: homeLayout(resolveHome({ flag: this.home, env: this.services.env })), error };
    }
  }

  /** A terminal a person can answer questions on. */
  get interactive(): boolean {
    return this.services.isTTY.stdin && this.services.isTTY.stderr;
  }

  /** Whether progress may redraw lines in place on stderr (a terminal that is not TERM=dumb). */
  get liveProgress(): boolean {
    return this.services.isTTY.stderr && this.services.env.TERM !== "dumb";
  }

  private makeOutput(json: boolean, verbose: boolean): Output {
    const { env, isTTY, stdout, stderr } = this.services;
    return new Output(
      { stdout, stderr },
      {
        json,
        verbose,
        color: { stdout: colorSupport(isTTY.stdout, env), stderr: colorSupport(isTTY.stderr, env) },
      },
    );
  }
}
