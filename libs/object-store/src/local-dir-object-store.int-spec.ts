import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalDirObjectStore } from './local-dir-object-store.adapter';
import { describeLargeObjectStreaming } from './testing/large-object.contract';

let root: string | undefined;

describeLargeObjectStreaming({
  name: 'local directory',
  store: async () => {
    root = await mkdtemp(join(tmpdir(), 'accord-objects-large-'));
    const store = new LocalDirObjectStore({ rootDir: root });
    await store.ensureBucket();
    return store;
  },
  cleanup: async () => {
    if (root) await rm(root, { recursive: true, force: true });
  },
});
