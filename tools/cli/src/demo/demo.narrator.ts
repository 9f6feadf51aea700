import type { CliIo } from '../cli.context';

/** One thing the demo did, for `--json` and for the test: the step, what happened, and the txs it made. */
export interface DemoEvent {
  readonly chapter: string;
  readonly step: string;
  readonly txIds: readonly string[];
  readonly facts: Readonly<Record<string, unknown>>;
}

/**
 * Tells the story as it runs: chapter headings, one line per step, and each
 * tx with its id and a link into the console. With `json`, nothing is
 * narrated and `events` is printed at the end instead.
 */
export class DemoNarrator {
  readonly events: DemoEvent[] = [];
  private chapter = '';
  private chapters = 0;

  constructor(
    private readonly io: CliIo,
    private readonly consoleUrl: string,
    private readonly quiet: boolean,
  ) {}

  /** A new chapter of the story. */
  begin(title: string): void {
    this.chapter = title;
    this.chapters += 1;
    this.line('');
    this.line(`${this.chapters}. ${title}`);
  }

  /** A sentence of the story. */
  say(text: string): void {
    this.line(`   ${text}`);
  }

  /** Records a step (and narrates its txs with console links). */
  record(step: string, txIds: readonly string[] = [], facts: Readonly<Record<string, unknown>> = {}): void {
    this.events.push({ chapter: this.chapter, step, txIds, facts });
    for (const txId of txIds) this.line(`     tx ${txId}  ${this.txLink(txId)}`);
  }

  txLink(txId: string): string {
    return `${this.consoleUrl}/#/tx?id=${txId}`;
  }

  private line(text: string): void {
    if (!this.quiet) this.io.out(text);
  }
}
