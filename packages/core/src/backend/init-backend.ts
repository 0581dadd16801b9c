// initBackend(): chooses, initialises and reports the tfjs backend, once per process (docs/BACKEND.md §1).
// Order and override come from planBackends(); kernel fixes are installed for the chosen backend,
// and tfjs's console banner is silenced (library code never prints). A second call returns the same info.
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { S3petInputError } from "../errors/s3pet-error.js";
import { installKernelFixes } from "./install-kernel-fixes.js";
import { processSingleton } from "./process-singleton.js";
import { BACKEND_ENV_VAR, parseBackendOverride, planBackends, type BackendCandidate, type BackendName } from "./plan-backends.js";

export interface BackendInfo {
  readonly name: BackendName;
  /** Whether the backend runs SIMD code (wasm: the SIMD binary is loaded). */
  readonly simd: boolean;
  /** Threads one op may use. */
  readonly threads: number;
  /** Package versions (tfjs, tfjs-core, the backend package, ...) and `node`. */
  readonly versions: Record<string, string>;
}

/** The one initialisation of this process (shared by every loaded copy of core). */
const initialisation = processSingleton("backend", () => ({ promise: undefined as Promise<BackendInfo> | undefined }));

/** Initialises the best available backend (or the one S3PET_BACKEND forces); idempotent. */
export function initBackend(): Promise<BackendInfo> {
  initialisation.promise ??= activateFirst(process.env[BACKEND_ENV_VAR]).catch((error: unknown) => {
    initialisation.promise = undefined; // let the caller fix the environment and retry
    throw error;
  });
  return initialisation.promise;
}

async function activateFirst(override: string | undefined): Promise<BackendInfo> {
  tf.enableProdMode(); // silences the "install tfjs-node" banner and tfjs's own warnings
  const forced = parseBackendOverride(override) !== undefined;
  const failures: string[] = [];
  for (const candidate of planBackends(override, (p) => resolvePackage(p) !== undefined)) {
    const activation = await activate(candidate);
    if (activation.ok) {
      installKernelFixes();
      return describeBackend(candidate, activation.module);
    }
    if (forced) {
      throw new S3petInputError(`${BACKEND_ENV_VAR}=${candidate.name}: ${activation.reason}; fix the install or unset ${BACKEND_ENV_VAR}`);
    }
    failures.push(activation.reason);
  }
  // Unreachable while cpu (built into tfjs) is the last candidate; kept so a failure is never silent.
  throw new Error(`no tfjs backend could be initialised: ${failures.join("; ")}`);
}

/** The candidate's package module (null for built-in backends) once active, or why it failed. */
type Activation = { ok: true; module: Record<string, unknown> | null } | { ok: false; reason: string };

/** Loads the candidate's package and makes it the active backend. */
async function activate(candidate: BackendCandidate): Promise<Activation> {
  const what = candidate.packageName ?? `tfjs ${candidate.name}`;
  try {
    const module = candidate.packageName === null ? null : await import(pathToFileURL(resolvePackage(candidate.packageName)!).href);
    if (await tf.setBackend(candidate.name)) return { ok: true, module };
    return { ok: false, reason: `${what} did not initialise` };
  } catch (error) {
    return { ok: false, reason: `${what} failed to load (${error instanceof Error ? error.message.split("\n")[0] : String(error)})` };
  }
}

async function describeBackend(candidate: BackendCandidate, module: Record<string, unknown> | null): Promise<BackendInfo> {
  const versions: Record<string, string> = { node: process.versions.node };
  for (const [name, version] of Object.entries(tf.version)) if (typeof version === "string") versions[name] = version;
  if (candidate.packageName !== null) versions[candidate.packageName.replace("@tensorflow/", "")] = packageVersion(candidate.packageName);
  switch (candidate.name) {
    case "wasm": {
      const wasm = module as unknown as typeof import("@tensorflow/tfjs-backend-wasm");
      const simd = (await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")) === true;
      return { name: "wasm", simd, threads: wasm.getThreadsCount(), versions };
    }
    case "tensorflow": // native TensorFlow: vectorised kernels, an intra-op pool over all cores
      return { name: "tensorflow", simd: true, threads: availableParallelism(), versions };
    case "cpu":
      return { name: "cpu", simd: false, threads: 1, versions };
  }
}

/** Resolves a package from core's location, then from the working directory (a user's own install). */
function resolvePackage(packageName: string): string | undefined {
  for (const base of [import.meta.url, pathToFileURL(join(process.cwd(), "package.json")).href]) {
    try {
      return createRequire(base).resolve(packageName);
    } catch {
      // not resolvable from here
    }
  }
  return undefined;
}

function packageVersion(packageName: string): string {
  const manifest = resolvePackage(`${packageName}/package.json`);
  if (manifest === undefined) return "unknown";
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version?: string }).version ?? "unknown";
}
