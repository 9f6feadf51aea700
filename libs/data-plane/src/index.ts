// The storage gateway's byte formats (docs/data-plane-formats.md and docs/data-plane-transfer.md): what a second
// implementation must reproduce to read an object, verify a transferred
// chunk or sign a transfer request, plus the gateway's tx payloads. Pure:
// no NestJS, no I/O beyond node:crypto and node:stream transforms.
export * from './errors/data-plane.errors';
export * from './segmented-aead/segment-header.codec';
export * from './segmented-aead/segment.layout';
export * from './segmented-aead/segment.crypto';
export * from './segmented-aead/segment.encryptor';
export * from './segmented-aead/segment-stream.transform';
export * from './chunk-merkle/chunk.layout';
export * from './chunk-merkle/object.digester';
export * from './chunk-merkle/chunk.proofs';
export * from './http-signature/http-signature.types';
export * from './http-signature/structured-field.codec';
export * from './http-signature/signature-base.builder';
export * from './http-signature/signature-headers.parser';
export * from './http-signature/http-signature.signer';
export * from './http-signature/http-signature.verifier';
export * from './byteranges/chunk-part.codec';
export * from './byteranges/byteranges.parser';
export * from './tx/storage-tx.schema';
