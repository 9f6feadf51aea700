import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// @accord/events is the only place topic names and event shapes are defined
// (docs/events.md). This spec reads every source file of libs/, services/
// and tools/ — except this lib and the specs — and fails on a topic name or
// an event type spelled as a string literal: import txTopic, blocksTopic,
// BLOCK_COMMITTED, ... instead.

const ROOT = join(__dirname, '..', '..', '..');
const SCANNED = ['libs', 'services', 'tools'];
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'coverage']);

const RULES: readonly { readonly name: string; readonly pattern: RegExp }[] = [
  { name: 'department or dead-letter topic name', pattern: /(['"`])accord\.(?:dept|dlq)\./ },
  { name: 'channel topic name', pattern: /(['"`])accord\.[\w.${}-]*\.(?:tx|attest|blocks|decisions)\1/ },
  { name: 'event type literal', pattern: /(['"])(?:block\.committed|contracts\.decision|event\.parked)\1/ },
  {
    name: 'event type inside a JSON string',
    pattern: /\\?"type\\?"\s*:\s*\\?"(?:block\.committed|contracts\.decision|event\.parked)/,
  },
];

/** Lines of `source` that spell a topic name or an event type (1-based line, rule name). */
export function findDefinitions(source: string): { line: number; rule: string; text: string }[] {
  const found: { line: number; rule: string; text: string }[] = [];
  source.split('\n').forEach((text, index) => {
    for (const { name, pattern } of RULES)
      if (pattern.test(text)) found.push({ line: index + 1, rule: name, text: text.trim() });
  });
  return found;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name) && path !== join(ROOT, 'libs', 'events')) sourceFiles(path, out);
    } else if (/\.(?:ts|mts|cts|js|mjs)$/.test(entry.name) && !/\.(?:int-)?spec\.ts$/.test(entry.name)) {
      out.push(path);
    }
  }
  return out;
}

describe('the event contract is defined once', () => {
  it('recognises the ways a topic name or an event shape was defined before @accord/events', () => {
    const offenders = [
      'export const txTopic = (channel: string): string => `accord.${channel}.tx`;',
      'const attest = `accord.${c}.attest`;',
      'topics: [...departments.map((d) => `accord.dept.${d.id}.blocks`)],',
      "checkpoints.get(m, 'ledger', 'accord.a.tx')",
      "const dlq = 'accord.dlq.dept-a.contracts';",
      "const event = { type: 'block.committed', channel, block };",
      "if (event.type !== 'block.committed') continue;",
      "export const DECISION_EVENT_TYPE = 'contracts.decision';",
      'parts.push(Buffer.from(`,"txIds":${ids},"type":"block.committed"}`));',
    ];
    for (const line of offenders) expect(findDefinitions(line).length).toBeGreaterThan(0);
    const innocent = [
      '/** block.committed events on accord.dept.<department>.blocks (docs/events.md). */',
      ' * `event.parked` events on `accord.<channel>.attest`',
      "const tracer = trace.getTracer('accord.service-kit');",
      "existing.setAttribute('accord.service', service);",
      "description: 'Applying one batch of block.committed events',",
      'const topic = blocksTopic(department);',
    ];
    for (const line of innocent) expect(findDefinitions(line)).toEqual([]);
  });

  it('finds no topic name or event type literal outside libs/events and the specs', () => {
    const files = SCANNED.flatMap((dir) => sourceFiles(join(ROOT, dir)));
    expect(files.length).toBeGreaterThan(200);
    const found = files.flatMap((file) =>
      findDefinitions(readFileSync(file, 'utf8')).map(
        (f) => `${relative(ROOT, file)}:${f.line} (${f.rule}): ${f.text}`,
      ),
    );
    expect(found).toEqual([]);
  });
});
