import type { Versions } from "../versions.ts";
import { splitImage } from "./image.ts";

/**
 * Vault in dev mode (in-memory, unsealed) with a root token generated per
 * cluster, and the Vault CSI provider; the agent injector is off. Images come
 * from versions.ts so the pins, not the chart, decide what runs.
 */
export function vaultValues(v: Pick<Versions, "images">, rootToken: string): Record<string, unknown> {
  const server = splitImage(v.images.vault);
  return {
    injector: { enabled: false },
    server: { dev: { enabled: true, devRootToken: rootToken }, image: server },
    csi: { enabled: true, image: splitImage(v.images.vaultCsiProvider), agent: { image: server } },
  };
}
