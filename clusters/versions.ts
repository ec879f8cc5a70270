/**
 * The one place every pinned version lives. Renderers, the harness and the
 * workflows read from here (the workflows through `secretproof versions`).
 * Each entry carries a `// renovate:` comment so a bot can bump it.
 */

export interface ChartPin {
  repo: string;
  chart: string;
  version: string;
}

export const versions = {
  kind: {
    // renovate: datasource=github-releases depName=kubernetes-sigs/kind
    cli: "v0.33.0",
    cliSha256LinuxAmd64: "aee6151561422756b764a4ae28e7f44cda5af5a9eead3cc9985112b1de8d8e0d",
    // renovate: datasource=docker depName=kindest/node
    nodeImage: "kindest/node:v1.35.8@sha256:07b2536e30b803ed61d1677a79df6115f798ce64c80f9e22f6ed45afd09323c0",
    /** kubeadm config API the node image speaks: v1beta3 up to Kubernetes 1.35, v1beta4 from 1.36. */
    kubeadmApi: "kubeadm.k8s.io/v1beta3",
  },
  kubectl: {
    // renovate: datasource=github-releases depName=kubernetes/kubernetes
    cli: "v1.35.8",
    sha256LinuxAmd64: "874d5e72dbb819f43cff16bcd1e4f8bac5b7f2361fe1e55049b0a6c676fb0cbf",
  },
  helm: {
    // renovate: datasource=github-releases depName=helm/helm
    cli: "v3.21.3",
    // sha256 of helm-<cli>-<os>-<arch>.tar.gz as published in the release notes
    // (https://github.com/helm/helm/releases/tag/v3.21.3) and get.helm.sh/<archive>.sha256sum
    sha256LinuxAmd64: "15e041a93a590dce8100f39385cd98c84a765c9e36aeeb9e2dc6ff9e4769e2e0",
    sha256LinuxArm64: "67f58155079ff9ffab98ba5c88daff0ed9b542f3a4732f5dd426dde7dd0f5244",
    sha256DarwinAmd64: "76d0db4730b05d3d625eee11e80f0721b32b4d8422f4e5d093de6337bf3ac9f8",
    sha256DarwinArm64: "19879a848cad832b7a1ac24b767a481d20fb3b95ab53a220849649422ada144e",
  },
  charts: {
    // renovate: datasource=helm registryUrl=https://helm.cilium.io depName=cilium
    cilium: { repo: "https://helm.cilium.io", chart: "cilium", version: "1.20.0" },
    // renovate: datasource=helm registryUrl=https://helm.cilium.io depName=tetragon
    tetragon: { repo: "https://helm.cilium.io", chart: "tetragon", version: "1.7.0" },
    // renovate: datasource=helm registryUrl=https://falcosecurity.github.io/charts depName=falco
    falco: { repo: "https://falcosecurity.github.io/charts", chart: "falco", version: "9.1.0" },
    // prettier-ignore
    // renovate: datasource=helm registryUrl=https://kubernetes-sigs.github.io/secrets-store-csi-driver/charts depName=secrets-store-csi-driver
    secretsStoreCsi: { repo: "https://kubernetes-sigs.github.io/secrets-store-csi-driver/charts", chart: "secrets-store-csi-driver", version: "1.6.0" },
    // renovate: datasource=helm registryUrl=https://helm.releases.hashicorp.com depName=vault
    vault: { repo: "https://helm.releases.hashicorp.com", chart: "vault", version: "0.34.1" },
  } satisfies Record<string, ChartPin>,
  falco: {
    // renovate: datasource=github-releases depName=falcosecurity/falco
    app: "0.44.1",
    // renovate: datasource=docker depName=ghcr.io/falcosecurity/rules/falco-rules
    rulesRef: "falco-rules:5.1.0",
    // renovate: datasource=docker depName=ghcr.io/falcosecurity/plugins/plugin/container
    containerPluginRef: "ghcr.io/falcosecurity/plugins/plugin/container:0.7.1",
  },
  images: {
    // renovate: datasource=docker depName=hashicorp/vault
    vault: "hashicorp/vault:2.0.4",
    // renovate: datasource=docker depName=hashicorp/vault-csi-provider
    vaultCsiProvider: "hashicorp/vault-csi-provider:1.7.4",
    // renovate: datasource=docker depName=postgres
    postgres: "postgres:15.19-bookworm@sha256:539ceaaae49b3a7c8a04467cf00cc6788d8e3f1675df41860d86eebc4c40524f",
    // renovate: datasource=docker depName=python
    pythonBase: "python:3.12.14-slim-bookworm@sha256:782412e85d0f0984994c290652577d4018aff08145c85b262bb63dc0c7522254",
    /** Build stage of the app image (compiles fixtures/app/uring-read.c): same Python and Debian release as pythonBase, with gcc and kernel headers. */
    // renovate: datasource=docker depName=python
    pythonBuilder: "python:3.12.14-bookworm@sha256:581429e3df12d76e6af4be5ab7d0e7fc2013eb57dc23d2de691411c8efdbb970",
    /** The app image built from fixtures/app and loaded into kind (never pulled). */
    app: "secretproof/secure-test-app:dev",
  },
} as const;

export type Versions = typeof versions;
