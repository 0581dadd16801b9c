// processSingleton(): state shared by every copy of @s3pet/core loaded in one process. Tests load
// core's source (vitest.setup.ts) and its dist (through other packages) side by side; both drive the
// same tfjs engine, so "is the backend initialised / are the kernel fixes installed" must be shared
// too, or the second copy would wrap the first copy's fixed kernels again.

/** The value stored under `name` for this process, created on first use. */
export function processSingleton<T>(name: string, create: () => T): T {
  const key = Symbol.for(`@s3pet/core:${name}`);
  const store = globalThis as unknown as Record<symbol, T | undefined>;
  return (store[key] ??= create());
}
