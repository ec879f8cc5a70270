import { randomBytes } from "node:crypto";

/**
 * The Vault dev root token secretproof chooses, and the shapes Vault refuses.
 *
 * Dev mode (`vault server -dev`, `-dev-root-token-id` / VAULT_DEV_ROOT_TOKEN_ID,
 * hashicorp/vault command/server.go:273-276) creates the root token through the
 * token store with the chosen ID ("id": coreConfig.DevToken, server.go:2141) and
 * exits when that fails (server.go:2149). The token store refuses a chosen ID
 * with the 'hvs.' or 's.' prefix or any '.' (vault/token_store.go:1141-1149,
 * unchanged since before 2.0.0-beta1). Vault's own IDs are 24 base62 characters
 * (TokenLength, token_store.go:75). vault-helm 0.34.1 puts the value into the
 * pod's environment unquoted (`value: {{ .Values.server.dev.devRootToken }}`,
 * templates/_helpers.tpl:259), so YAML must read it as a string: letters and
 * digits starting with a letter always are.
 * Lines are at hashicorp/vault 6fd972499f (main as the 2.0.x line was branched,
 * CHANGELOG through 2.0.3); the token-store check last changed in f5dbe55f55.
 */

export const VAULT_ROOT_TOKEN_LENGTH = 32;
/** Vault's own token IDs are 24 base62 characters; a chosen one is not weaker. */
export const VAULT_ROOT_TOKEN_MIN_LENGTH = 24;

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const ALPHANUMERIC = `${LETTERS}0123456789`;

/** Token prefixes Vault gives its own tokens (sdk/helper/consts/token_consts.go:7-12). */
const VAULT_PREFIXES = ["hvs.", "hvb.", "hvr.", "s.", "b.", "r."] as const;

/** What Vault 2.0.4 answers a chosen ID of this shape, in the order token_store.go:1142-1148 checks. */
function upstreamRefusal(token: string): string | undefined {
  if (token.startsWith("hvs.")) return "custom token ID cannot have the 'hvs.' prefix";
  if (token.startsWith("s.")) return "custom token ID cannot have the 's.' prefix";
  if (token.includes(".")) return "custom token ID cannot have a '.' in the value";
  return undefined;
}

/** `n` characters drawn uniformly from `alphabet` (rejection sampling: no modulo bias). */
function draw(alphabet: string, n: number, random: (size: number) => Buffer): string {
  const limit = 256 - (256 % alphabet.length);
  let out = "";
  while (out.length < n) {
    for (const b of random(n - out.length)) {
      if (b < limit && out.length < n) out += alphabet[b % alphabet.length];
    }
  }
  return out;
}

/**
 * A fresh root token ID Vault accepts: 32 characters of [A-Za-z0-9], the first
 * a letter (about 190 bits). It has no recognisable prefix, so the redaction
 * layer and `verify --secrets-file` find it by value.
 */
export function generateVaultRootToken(random: (size: number) => Buffer = randomBytes): string {
  return draw(LETTERS, 1, random) + draw(ALPHANUMERIC, VAULT_ROOT_TOKEN_LENGTH - 1, random);
}

/** Why Vault 2.0.4 (or the chart carrying it) would not take this root token ID; empty when it would. */
export function vaultRootTokenProblems(token: string): string[] {
  const refusal = upstreamRefusal(token);
  if (refusal) {
    const prefix = VAULT_PREFIXES.find((p) => token.startsWith(p));
    const shape = prefix ? `has the '${prefix}' prefix` : "contains a '.'";
    return [
      `vaultRootToken ${shape}: Vault 2.0.4 refuses it as a dev root token ID ("${refusal}", ` +
        "hashicorp/vault vault/token_store.go:1141-1149), so the dev server exits and vault-0 crash-loops",
    ];
  }
  const problems: string[] = [];
  if (token.length < VAULT_ROOT_TOKEN_MIN_LENGTH) {
    problems.push(`vaultRootToken is ${token.length} characters; it must be at least ${VAULT_ROOT_TOKEN_MIN_LENGTH} (Vault's own token IDs are 24 base62 characters)`);
  }
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(token)) {
    problems.push(
      "vaultRootToken must be letters and digits starting with a letter: vault-helm 0.34.1 writes it unquoted " +
        "into the pod's environment (templates/_helpers.tpl:259), where YAML could read it as a number or boolean",
    );
  }
  return problems;
}
