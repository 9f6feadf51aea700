// Service specs boot real NestJS apps on PGlite (WebAssembly PostgreSQL, ~2 s
// to create a database) — 5 s is too tight for a loaded 2-core CI machine.
jest.setTimeout(30_000);
