#!/usr/bin/env node
import { runCli } from './cli.program';

void runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}).then((code) => {
  // exitCode rather than exit(): pending output is flushed and long-running commands end on their own.
  process.exitCode = code;
});
