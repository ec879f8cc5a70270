import js from "@eslint/js";
import tseslint from "typescript-eslint";

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
    files: ["harness/**/*.ts"],
    ignores: ["harness/vitest/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["vitest", "vitest/*"], message: "harness/ is a library; only harness/vitest/ may import vitest" }] },
      ],
    },
  },
);
