import type { IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { INamespace } from "kubernetes-models/v1/Namespace";
import type { IService } from "kubernetes-models/v1/Service";
import { renderKindConfig, type KindClusterConfig } from "../../../clusters/kind/config.ts";
import { renderEncryptionConfig, type EncryptionConfiguration } from "../../../clusters/kind/encryption.ts";
import { renderReleases, type ReleaseName, type ReleaseSpec } from "../../../clusters/helm/releases.ts";
import type { Versions } from "../../../clusters/versions.ts";
import { renderAppService, renderSecretProviderClass, type SecretProviderClass, type VaultBinding } from "../../../fixtures/manifests/app.ts";
import { renderAppDeployment } from "../../../fixtures/manifests/app-deployment.ts";
import { renderNamespaces } from "../../../fixtures/manifests/namespaces.ts";
import { renderPostgresService, renderPostgresStatefulSet } from "../../../fixtures/manifests/postgres.ts";
import { renderAppEgressPolicy, type CiliumNetworkPolicy } from "../../../fixtures/manifests/network-policy.ts";
import { renderSinkClientDeployment, renderSinkDeployment, renderSinkService } from "../../../fixtures/manifests/sink.ts";
import type { Profile } from "../../profile.ts";
import type { ConfigureVaultOptions } from "./external.ts";
import { POSTGRES, VAULT } from "../../../clusters/names.ts";
import type { ClusterSecrets } from "../state/state.ts";

/** Everything the stack is rendered from. Live secrets or placeholders: the renderers cannot tell. */
export interface StackInputs {
  clusterName: string;
  profile: Profile;
  versions: Versions;
  secrets: ClusterSecrets;
  /** Host directory holding the EncryptionConfiguration, mounted into the node. */
  encryptionHostDir: string;
  vault: VaultBinding;
  falcoRules: string;
  /** ID of the built app image; rolls the Deployment when the image changes. */
  appImageId?: string;
  /** Address the host reaches Vault at (a port-forward chosen at run time). */
  vaultAddr: string;
}

export interface StackPlan {
  kindConfig: KindClusterConfig;
  encryptionConfig: EncryptionConfiguration;
  releases: Record<ReleaseName, ReleaseSpec>;
  namespaces: INamespace[];
  postgres: { service: IService; statefulSet: IStatefulSet };
  app: { secretProviderClass: SecretProviderClass; deployment: IDeployment; service: IService };
  /** The app's egress policy, and the sink and client the network claim dials from (fixtures/manifests/network-policy.ts, sink.ts). */
  network: { policy: CiliumNetworkPolicy; sink: IDeployment; sinkService: IService; client: IDeployment };
  /** Further objects applied with the app, after it: none in the stack as designed; a mutation may add some. */
  appObjects?: object[];
  configureVault: ConfigureVaultOptions;
}

/** The whole stack as data: a pure function shared by `up` and `render`. */
export function planStack(i: StackInputs): StackPlan {
  return {
    kindConfig: renderKindConfig({ clusterName: i.clusterName, versions: i.versions, profile: i.profile, encryptionHostDir: i.encryptionHostDir }),
    encryptionConfig: renderEncryptionConfig(i.secrets),
    releases: renderReleases({
      clusterName: i.clusterName,
      profile: i.profile,
      versions: i.versions,
      secrets: i.secrets,
      falcoRules: i.falcoRules,
    }),
    namespaces: renderNamespaces(),
    postgres: { service: renderPostgresService(), statefulSet: renderPostgresStatefulSet(i.versions.images.postgres) },
    app: {
      secretProviderClass: renderSecretProviderClass(i.vault),
      deployment: renderAppDeployment(i.versions.images.app, i.appImageId),
      service: renderAppService(),
    },
    network: {
      policy: renderAppEgressPolicy(),
      sink: renderSinkDeployment(i.versions.images.app),
      sinkService: renderSinkService(),
      client: renderSinkClientDeployment(i.versions.images.app),
    },
    configureVault: {
      addr: i.vaultAddr,
      token: i.secrets.vaultRootToken,
      profile: i.profile,
      postgres: {
        host: POSTGRES.host,
        port: POSTGRES.port,
        adminUser: POSTGRES.adminUser,
        adminPassword: i.secrets.postgresBootstrapPassword,
        database: POSTGRES.database,
      },
      kubernetes: { host: VAULT.kubernetesHost },
    },
  };
}
