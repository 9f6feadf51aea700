/**
 * Progress of a long transfer (an upload, a fetch) on stderr: a bar redrawn
 * in place on a terminal, a plain line every few seconds in a log or a
 * pipe, nothing with --json (stdout then carries only the result, and
 * stderr stays free of noise a script would have to filter).
 */

/** How progress is shown: `bar` on a TTY, `lines` otherwise, `none` with --json. */
export type ProgressMode = 'bar' | 'lines' | 'none';

/** Where the progress goes: `write` puts raw text (the bar's `\r`), `line` a whole line. */
export interface ProgressSink {
  write(text: string): void;
  line(text: string): void;
}

/** What a long operation reports; `uploadFile` and `fetchGranted` take one. */
export interface ProgressListener {
  /** A new phase with its total in bytes (the bytes already done when resuming). */
  start(label: string, totalBytes: number, doneBytes?: number): void;
  /** The bytes done so far in this phase (absolute, never a delta). */
  update(doneBytes: number): void;
  /** The phase ended (successfully or not): the bar gets its newline. */
  finish(): void;
  /** A message between phases ("resuming at ...", "waiting for the anchor"). */
  note(message: string): void;
}

/** A listener that shows nothing (library callers that do not care). */
export const SILENT_PROGRESS: ProgressListener = {
  start: () => undefined,
  update: () => undefined,
  finish: () => undefined,
  note: () => undefined,
};

const MIB = 1024 * 1024;
const BAR_WIDTH = 24;

/** `12.3 MiB` (bytes below 1 MiB as KiB, below 1 KiB as bytes). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < MIB) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 * MIB) return `${(bytes / MIB).toFixed(1)} MiB`;
  return `${(bytes / (1024 * MIB)).toFixed(2)} GiB`;
}

export interface ProgressSnapshot {
  readonly label: string;
  readonly doneBytes: number;
  readonly totalBytes: number;
  /** Bytes done in this run (not those found done when resuming), for the rate. */
  readonly runBytes: number;
  readonly elapsedMs: number;
}

/** `label  42.0%  12.3 MiB / 29.3 MiB  4.1 MiB/s` (the rate once a little time passed). */
export function formatProgressLine(s: ProgressSnapshot): string {
  const share = s.totalBytes === 0 ? 100 : (100 * s.doneBytes) / s.totalBytes;
  const rate = s.elapsedMs >= 200 ? `  ${formatBytes(Math.round((s.runBytes * 1000) / s.elapsedMs))}/s` : '';
  return `${s.label}  ${share.toFixed(1)}%  ${formatBytes(s.doneBytes)} / ${formatBytes(s.totalBytes)}${rate}`;
}

/** `[#########...............] ` then the line; a fixed width so a redraw covers the previous one. */
export function formatProgressBar(s: ProgressSnapshot): string {
  const share = s.totalBytes === 0 ? 1 : Math.min(1, s.doneBytes / s.totalBytes);
  const filled = Math.round(share * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${formatProgressLine(s)}`;
}

export interface ProgressRendererOptions {
  readonly mode: ProgressMode;
  readonly sink: ProgressSink;
  /** Milliseconds since some origin; injected so tests drive time. */
  readonly now: () => number;
  /** Least time between two lines in `lines` mode (default 2 s). */
  readonly lineIntervalMs?: number;
  /** Least time between two redraws in `bar` mode (default 100 ms). */
  readonly barIntervalMs?: number;
}

/**
 * Renders a ProgressListener's reports in one mode. Redraws are throttled
 * (a 1 GiB upload reports thousands of updates); the first and the last
 * state of a phase are always shown.
 */
export class ProgressRenderer implements ProgressListener {
  private label = '';
  private total = 0;
  private done = 0;
  private startDone = 0;
  private startedAt = 0;
  private lastDrawnAt = Number.NEGATIVE_INFINITY;
  private lastDrawnDone: number | undefined;
  private drawnWidth = 0;
  private active = false;

  constructor(private readonly options: ProgressRendererOptions) {}

  start(label: string, totalBytes: number, doneBytes = 0): void {
    if (this.active) this.finish();
    this.label = label;
    this.total = totalBytes;
    this.done = doneBytes;
    this.startDone = doneBytes;
    this.startedAt = this.options.now();
    this.lastDrawnAt = Number.NEGATIVE_INFINITY;
    this.lastDrawnDone = undefined;
    this.active = true;
    this.draw(true);
  }

  update(doneBytes: number): void {
    if (!this.active) return;
    this.done = doneBytes;
    this.draw(false);
  }

  finish(): void {
    if (!this.active) return;
    this.draw(true);
    this.active = false;
    if (this.options.mode === 'bar') this.options.sink.write('\n');
    this.drawnWidth = 0;
  }

  note(message: string): void {
    if (this.options.mode === 'none') return;
    if (this.active && this.options.mode === 'bar') {
      // Keep the bar: the note goes on its own line above the next redraw.
      this.options.sink.write('\n');
      this.drawnWidth = 0;
      this.lastDrawnDone = undefined;
    }
    this.options.sink.line(message);
  }

  private snapshot(): ProgressSnapshot {
    return {
      label: this.label,
      doneBytes: this.done,
      totalBytes: this.total,
      runBytes: this.done - this.startDone,
      elapsedMs: this.options.now() - this.startedAt,
    };
  }

  private draw(force: boolean): void {
    const { mode, sink } = this.options;
    if (mode === 'none') return;
    const now = this.options.now();
    const interval = mode === 'bar' ? (this.options.barIntervalMs ?? 100) : (this.options.lineIntervalMs ?? 2000);
    if (!force && now - this.lastDrawnAt < interval) return;
    // The same count twice (finish right after the last update) is drawn once.
    if (this.done === this.lastDrawnDone) return;
    const text = mode === 'bar' ? formatProgressBar(this.snapshot()) : formatProgressLine(this.snapshot());
    this.lastDrawnAt = now;
    this.lastDrawnDone = this.done;
    if (mode === 'lines') {
      sink.line(text);
      return;
    }
    const pad = Math.max(0, this.drawnWidth - text.length);
    sink.write(`\r${text}${' '.repeat(pad)}`);
    this.drawnWidth = text.length;
  }
}
