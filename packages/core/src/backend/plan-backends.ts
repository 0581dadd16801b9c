// The backend choice as a pure function (tested without a GPU): which tfjs backends to try, in order.
// Preference: tensorflow (tfjs-node-gpu, then tfjs-node; optional, never dependencies) > wasm > cpu.
// S3PET_BACKEND=tensorflow|wasm|cpu keeps only that backend and fails loudly when it is not installed.
import { S3petInputError } from "../errors/s3pet-error.js";

export type BackendName = "tensorflow" | "wasm" | "cpu";

const BACKEND_NAMES: readonly BackendName[] = ["tensorflow", "wasm", "cpu"];

/** One way to get a backend: the package that registers it, or null when tfjs itself ships it. */
export interface BackendCandidate {
  readonly name: BackendName;
  readonly packageName: string | null;
}

/** Every candidate, most preferred first. */
export const BACKEND_CANDIDATES: readonly BackendCandidate[] = [
  { name: "tensorflow", packageName: "@tensorflow/tfjs-node-gpu" },
  { name: "tensorflow", packageName: "@tensorflow/tfjs-node" },
  { name: "wasm", packageName: "@tensorflow/tfjs-backend-wasm" },
  { name: "cpu", packageName: null },
];

/** The environment variable that forces one backend. */
export const BACKEND_ENV_VAR = "S3PET_BACKEND";

/**
 * The candidates to try, in order: the installed ones, restricted to `override` when it is set.
 * @param override the value of S3PET_BACKEND (undefined or "" = automatic)
 * @param isInstalled whether a package can be resolved
 */
export function planBackends(override: string | undefined, isInstalled: (packageName: string) => boolean): BackendCandidate[] {
  const wanted = parseBackendOverride(override);
  const installed = BACKEND_CANDIDATES.filter((c) => c.packageName === null || isInstalled(c.packageName));
  if (wanted === undefined) return installed;
  const plan = installed.filter((c) => c.name === wanted);
  if (plan.length === 0) {
    const packages = BACKEND_CANDIDATES.filter((c) => c.name === wanted).map((c) => c.packageName);
    throw new S3petInputError(
      `${BACKEND_ENV_VAR}=${wanted}: ${packages.join(" or ")} is not installed; install it (npm i ${packages.at(-1)}) or unset ${BACKEND_ENV_VAR}`,
    );
  }
  return plan;
}

/** Validates an S3PET_BACKEND value; undefined means automatic. */
export function parseBackendOverride(value: string | undefined): BackendName | undefined {
  const v = value?.trim().toLowerCase();
  if (v === undefined || v === "") return undefined;
  if ((BACKEND_NAMES as readonly string[]).includes(v)) return v as BackendName;
  throw new S3petInputError(`${BACKEND_ENV_VAR}='${value}' is not a backend; use one of ${BACKEND_NAMES.join(", ")}, or unset it`);
}
