/**
 * Header values as a server framework hands them over: lower-case names; a
 * field sent on several lines may arrive as an array (node's
 * IncomingHttpHeaders fits this type as is).
 */
export type SignableHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The parts of an HTTP request an RFC 9421 signature can cover here. */
export interface SignableRequest {
  readonly method: string;
  /** The target path without the query, percent-encoding untouched. */
  readonly path: string;
  /** The query string without the leading "?", possibly ''. */
  readonly query: string;
  readonly headers: SignableHeaders;
  /** The target authority (host[:port]); when absent `@authority` falls back to the Host header. */
  readonly authority?: string;
}

/** Signature parameters of an Accord transfer request (RFC 9421 §2.3); `alg` is always "ed25519". */
export interface SignatureParams {
  /** Unix seconds. */
  readonly created: number;
  /** Unix seconds. */
  readonly expires: number;
  readonly nonce: string;
  /** The signing department's id. */
  readonly keyId: string;
  readonly tag: string;
}

/** Signature parameters as received: every one optional, unknown ones left out (they stay in the raw value). */
export interface ReceivedSignatureParams {
  readonly created?: number;
  readonly expires?: number;
  readonly nonce?: string;
  readonly keyId?: string;
  readonly alg?: string;
  readonly tag?: string;
}

/** One signature taken from the Signature-Input and Signature fields. */
export interface ParsedSignature {
  readonly label: string;
  readonly components: readonly string[];
  readonly params: ReceivedSignatureParams;
  /**
   * The Signature-Input member exactly as received (inner list and
   * parameters): the `@signature-params` value of the signature base.
   */
  readonly signatureParamsValue: string;
  readonly signature: Uint8Array;
}

export interface VerifiedSignature {
  readonly keyId: string;
  readonly created: number;
  readonly expires: number;
  readonly nonce: string;
}

export interface VerifySignatureOptions {
  /** Unix seconds. */
  readonly now: number;
  /** How long after `created` a signature is still accepted. */
  readonly maxAgeSeconds: number;
  /** The longest `expires - created` accepted, if bounded. */
  readonly maxValiditySeconds?: number;
  readonly tag: string;
  readonly requiredComponents: readonly string[];
  /** The Ed25519 public key (hex) of a department, or undefined when unknown. */
  readonly publicKeyOf: (keyId: string) => string | undefined;
  /** Which signature to check when Signature-Input holds several; by default it must hold exactly one. */
  readonly label?: string;
}
