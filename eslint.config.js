// ESLint (flat config): the checks the compiler does not make. Type-aware rules (floating promises) run
// on the packages' TypeScript sources; the dependency rule of docs/ARCHITECTURE.md ("Dependency rule")
// is `no-restricted-imports`, one block per layer. `npm run lint` is part of `npm test`.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** A relative import that climbs out of its package into another one's src/, dist/ or fixtures. */
const CROSS_PACKAGE_PATH = { regex: "^(\\.\\./)+[\\w@.-]+/(src|dist|test-fixtures)(/|$)", message: "import another package by its name, not by a relative path" };
const UI = "^(ink|ink-.*|react|react/.*)$";

/** no-restricted-imports for one layer: imports matching `regex` are not allowed there. */
function layer(files, regex, message, { allowUi = false } = {}) {
  const patterns = [{ regex, message }, ...(allowUi ? [] : [{ regex: UI, message }]), CROSS_PACKAGE_PATH];
  return {
    files,
    rules: {
      "no-restricted-imports": ["error", { patterns }],
    },
  };
}

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "assets/**", "**/*.d.ts", "**/test-results.json", "tools/bench/**/runs/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: "module", globals: { process: "readonly", console: "readonly", URL: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", setImmediate: "readonly", Buffer: "readonly", performance: "readonly", structuredClone: "readonly", TextDecoder: "readonly", TextEncoder: "readonly", AbortController: "readonly", queueMicrotask: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
      // Tests compare terminal frames (box drawing, no-break spaces) and aligned columns literally.
      "no-irregular-whitespace": ["error", { skipStrings: true, skipTemplates: true, skipRegExps: true }],
      "no-regex-spaces": "off",
    },
  },
  // Tools, benchmarks and e2e tests drive the built CLI: any import, no cross-package relative paths.
  { files: ["tools/**", "e2e/**", "packages/cli/src/**"], rules: { "no-restricted-imports": ["error", { patterns: [CROSS_PACKAGE_PATH] }] } },
  // Type-aware checks on the packages and plugins (each has a tsconfig.json over its src/).
  {
    files: ["packages/*/src/**/*.{ts,tsx}", "plugins/*/src/**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
    },
  },
  // The dependency rule.
  layer(["packages/core/src/**"], "^@s3pet/", "core imports no plugin, model, data package or UI"),
  layer(["plugins/*/src/**"], "^@s3pet/(?!core(/|$))", "a plugin imports only @s3pet/core"),
  // A plugin's tests may also run its contract on a real backbone (@s3pet/models is a devDependency).
  layer(["plugins/*/src/**/*.test.ts"], "^@s3pet/(?!core(/|$)|models(/|$))", "a plugin's tests import only @s3pet/core and @s3pet/models"),
  layer(["packages/models/src/**", "packages/data/src/**"], "^@s3pet/(?!core(/|$))", "models and data import only @s3pet/core"),
  // Fed by events only: no tfjs, and no queue library (the CLI adapts a sweep's queue events into plain ones).
  layer(["packages/dashboard/src/**"], "^(@s3pet/(?!core/events$)|@tensorflow/|bullmq$|ioredis$)", "the dashboard imports only @s3pet/core/events (no tfjs, no queue library)", { allowUi: true }),
  // A sweep's run is the CLI as a child process: the sweep package never imports the CLI (or what it drives).
  layer(["packages/sweep/src/**"], "^@s3pet/(?!core(/|$))", "sweep imports only @s3pet/core (a run is the CLI as a child process)"),
);
