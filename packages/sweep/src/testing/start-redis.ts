// A real redis-server for tests, on a free loopback port, without persistence; stop() ends it.
// (.ci/run installs Debian's redis-server.)
import { spawn } from "node:child_process";
import { afterAll, beforeAll } from "vitest";
import { freePort } from "./free-port.js";

export interface TestRedis {
  readonly port: number;
  /** A queue URL on this server, e.g. redis://127.0.0.1:port/name. */
  url(name: string): string;
  stop(): Promise<void>;
}

/** `port`: a server again on the port of one stopped before (a Redis that comes back). */
export async function startRedis(port?: number): Promise<TestRedis> {
  port ??= await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.on("error", (e) => reject(new Error(`cannot start redis-server (apt-get install redis-server): ${e.message}`)));
    child.on("exit", (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      if (/Ready to accept connections/.test(out)) resolve();
    });
  });
  return {
    port,
    url: (name) => `redis://127.0.0.1:${port}/${name}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.removeAllListeners("exit");
        child.on("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** A redis-server for the enclosing describe block: started before its tests, stopped after them. */
export function useTestRedis(): { readonly url: (name: string) => string } {
  let redis: TestRedis | undefined;
  beforeAll(async () => void (redis = await startRedis()));
  afterAll(async () => redis?.stop());
  return {
    url: (name) => {
      if (redis === undefined) throw new Error("useTestRedis: the server is started in beforeAll; call url() inside a test");
      return redis.url(name);
    },
  };
}
