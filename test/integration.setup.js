// Integration specs talk to real Kafka, PostgreSQL and MinIO: give them time.
// (Jest ignores `testTimeout` inside a `projects` entry, so it is set here.)
jest.setTimeout(120_000);
