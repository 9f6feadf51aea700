import type { ChildProcess } from 'node:child_process';

/**
 * Service processes started by this test process and not exited yet: killed
 * (SIGKILL) when the test process exits, whether it closed its network or
 * not (an error, a timeout, Ctrl-C), so no service outlives the run and
 * holds its ports or keeps writing to the shared servers.
 */
const children = new Set<ChildProcess>();
let hooked = false;

export function reapOnExit(child: ChildProcess): void {
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const c of children) c.kill('SIGKILL');
    });
  }
  children.add(child);
  child.once('exit', () => children.delete(child));
}
