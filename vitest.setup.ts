// Runs before every test file of every project (vitest.shared.ts setupFiles).
// reflect-metadata first: tsyringe needs it before any decorated class is evaluated.
import "reflect-metadata";
// Every test runs on the backend a user gets (wasm here, with the kernel fixes); S3PET_BACKEND=cpu overrides.
// Imported from core's source, so tests need no build of core for this.
const { initBackend } = await import("./packages/core/src/backend/init-backend.js");
await initBackend();
