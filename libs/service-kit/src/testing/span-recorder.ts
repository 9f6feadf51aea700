import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { startTelemetry, telemetryStatus } from '../telemetry/telemetry';

/**
 * Starts the process's tracing with an in-memory exporter, for specs that
 * assert on spans. Call it before any service starts (the first start of
 * tracing in a process wins); `shutdownTelemetry()` ends it.
 */
export function recordSpansForTest(): { readonly spans: () => readonly ReadableSpan[]; readonly reset: () => void } {
  if (telemetryStatus().started) throw new Error('tracing already started: record spans before starting services');
  const exporter = new InMemorySpanExporter();
  startTelemetry({ processName: 'accord-test', spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  return { spans: () => exporter.getFinishedSpans(), reset: () => exporter.reset() };
}
