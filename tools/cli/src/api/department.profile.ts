/** The four services of a department, as named in network.json and profiles. */
export const SERVICE_NAMES = ['ledger', 'contracts', 'catalog', 'storage-gateway'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Base URL of each service of one department. */
export type ServiceUrls = Readonly<Record<ServiceName, string>>;

/** One entry of the profiles file: how to reach a department and with which token. */
export interface DepartmentProfile {
  readonly department: string;
  readonly urls: ServiceUrls;
  /** The bearer token itself; prefer tokenFile, which keeps the secret out of the profiles file. */
  readonly token?: string;
  /** A file holding the token (relative paths are relative to the profiles file). */
  readonly tokenFile?: string;
}

/** The profile a command talks to, with where it came from (named in errors, so the user knows what to fix). */
export interface ResolvedProfile {
  /** The profile name (the department id for a local network). */
  readonly name: string;
  readonly department: string;
  readonly urls: ServiceUrls;
  readonly token?: string;
  /** Where the token came from: `--token`, `ACCORD_TOKEN`, `profile <name>` or the token file's path. */
  readonly tokenSource: string;
  /** Where the profile came from: the profiles file or the local network file, by path. */
  readonly origin: ProfileOrigin;
}

export type ProfileOrigin =
  | { readonly kind: 'profiles'; readonly path: string }
  | {
      readonly kind: 'network';
      readonly path: string;
      readonly dataDir: string;
      /** The network's founding channel: the default channel of commands that need one. */
      readonly channel: string;
    };
