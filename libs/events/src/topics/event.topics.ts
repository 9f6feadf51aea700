/**
 * Every topic the services exchange events on (docs/events.md). Each topic
 * has ONE partition, so the log order is the delivery order. These functions
 * are the only place topic names are spelled; a spec
 * (event-contract.boundary.spec.ts) fails if one is spelled elsewhere.
 */

/** A channel's ordered log: signed tx envelopes and cut markers (DESIGN.md "Ordering and consensus"). */
export const txTopic = (channel: string): string => `accord.${channel}.tx`;

/** Signed block and state attestations of a channel's members. */
export const attestTopic = (channel: string): string => `accord.${channel}.attest`;

/** `block.committed` events of one department's ledger. */
export const blocksTopic = (department: string): string => `accord.dept.${department}.blocks`;

/** `contracts.decision` events of one department's contracts service. */
export const decisionsTopic = (department: string): string => `accord.dept.${department}.decisions`;

/**
 * Dead letters of one consumer of one department: the records it could not
 * read (malformed, wrong version, failed checks), parked as `event.parked`
 * events so they are never silently skipped. Per department because in
 * cluster mode the members of a channel share one Kafka.
 */
export const deadLetterTopic = (department: string, consumer: string): string => `accord.dlq.${department}.${consumer}`;
