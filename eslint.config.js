import js from "@eslint/js";
import { createNodeResolver, importX } from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

/** harness/ is a library; only harness/vitest/ may import vitest. */
const VITEST_ONLY_IN_BRIDGE = { group: ["vitest", "vitest/*"], message: "harness/ is a library; only harness/vitest/ may import vitest" };

/** Modules that reach files, processes, the network or a live system: no judge may import one. */
const IO_MODULES = [
  "fs",
  "node:fs",
  "fs/promises",
  "node:fs/promises",
  "child_process",
  "node:child_process",
  "net",
  "node:net",
  "http",
  "node:http",
  "https",
  "node:https",
  "execa",
  "pg",
  "node-vault",
  "@kubernetes/client-node",
  "zx",
];

/**
 * Judge files: everything in a claim family's room (harness/claims/) except
 * its collectors (collect*.ts), which plant objects and read the live
 * cluster, and A1's key-file reader. Judges, layouts, evidence readers and
 * writers and matrix rows do no I/O of their own (a writer is handed its
 * ArtifactWriter); suites/unit/structure/ also checks what they reach. Bring-up's
 * decisions (harness/cluster/up/judges/) are judges too: probes read the cluster.
 */
const JUDGE_FILES = ["harness/claims/**/*.ts", "harness/cluster/up/judges/*.ts"];
const JUDGE_IO_EXCEPTIONS = ["harness/claims/*/collect*.ts", "harness/claims/*/key-file.ts"];

export default tseslint.config(
  { ignores: ["node_modules/**", "runs/**", "fixtures/app/**/*.py"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "off",
    },
  },
  {
    // Typed rules: a promise nobody awaits loses its failure (cleanup above all).
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { "@typescript-eslint/no-floating-promises": "error" },
  },
  {
    // The import graph has no cycles (type-only imports aside: they vanish at run time).
    files: ["**/*.ts"],
    plugins: { "import-x": importX },
    settings: {
      "import-x/extensions": [".ts", ".js"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
      "import-x/resolver-next": [createNodeResolver()],
    },
    rules: { "import-x/no-cycle": "error" },
  },
  {
    files: ["harness/**/*.ts"],
    ignores: ["harness/vitest/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [VITEST_ONLY_IN_BRIDGE] }] },
  },
  {
    files: JUDGE_FILES,
    ignores: JUDGE_IO_EXCEPTIONS,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: IO_MODULES.map((name) => ({ name, message: "judges do no I/O: a collector reads the system, the judge reads the evidence" })),
          patterns: [VITEST_ONLY_IN_BRIDGE],
        },
      ],
    },
  },
  {
    files: ["clusters/**/*.ts", "fixtures/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["**/harness/**"], message: "clusters/ and fixtures/ sit below the harness: shared names live in clusters/names.ts" }] },
      ],
    },
  },
);
