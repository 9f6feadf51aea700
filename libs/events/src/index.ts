// The event contract (docs/events.md): every topic name and every event the
// services exchange over the event bus, each with its zod schema, version and
// type. Pure: producers and consumers of every service import it.
export * from './topics/event.topics';
export * from './decoding/event.decoder';
export * from './tx-log/tx-record.events';
export * from './block-committed/block-committed.events';
export * from './decision/decision.events';
export * from './attestation/attestation.events';
export * from './dead-letter/parked-event.events';
