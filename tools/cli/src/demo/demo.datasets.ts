import { createHash } from 'node:crypto';

/** The ODRL offer "use, for any purpose": auto-granted to any member whose level allows the sensitivity. */
export const OPEN_POLICY = {
  '@context': 'http://www.w3.org/ns/odrl.jsonld',
  '@type': 'Offer',
  permission: [{ action: 'use' }],
} as const;

/** "use, with the provider's consent": requests wait until the owner's data administrator decides. */
export const CONSENT_POLICY = {
  '@context': 'http://www.w3.org/ns/odrl.jsonld',
  '@type': 'Offer',
  permission: [{ action: 'use', duty: [{ action: 'obtainConsent' }] }],
} as const;

/** The identifier the personal datasets are about; the privacy guard groups grants by it. */
export const SUBJECT_KEY = 'citizen-id';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * A synthetic "traffic-camera video" of `bytes` bytes: deterministic
 * pseudo-random content (SHA-256 in counter mode), so every run uploads the
 * same object and the demo needs no media file.
 */
export function syntheticVideo(bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  for (let offset = 0, counter = 0; offset < bytes; counter++) {
    const block = createHash('sha256').update(`accord-demo-camera-frame-${counter}`).digest();
    offset += block.copy(out, offset);
  }
  return out;
}

/** A small personal-data table (CSV) about citizens, as a strong-mode record. */
export function clinicVisitsCsv(): string {
  return [
    'citizen_id,visit_date,clinic,reason',
    '330203198501010042,2026-11-02,Haishu Community Clinic,checkup',
    '330203199003150117,2026-11-05,Jiangbei Central Hospital,fracture',
    '330203197712240021,2026-11-09,Yinzhou No.2 Hospital,vaccination',
  ].join('\n');
}

/** The registration payload the catalog signs (`POST /v1/channels/:channel/datasets`). */
export interface DatasetRegistration {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly domain: string;
  readonly dataType: string;
  readonly sensitivity: 'public' | 'internal' | 'personal' | 'sensitive';
  readonly subjectKey?: string;
  readonly volumeBytes: number;
  readonly updateFrequency: string;
  readonly governance: 'light' | 'strong';
  readonly contentHash: string;
  readonly policy: object;
  readonly metadata?: object;
}
