// Runs a compiled README block with Node, with only the environment it was given (and PATH).
import { execFile } from 'node:child_process';

export interface RunResult {
  /** The exit code; `null` when the process was killed (e.g. at the time limit). */
  code: number | null;
  output: string;
}

export function runExample(
  file: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [file],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: timeoutMs, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, output: `${stdout}${stderr}`.trim() });
      },
    );
  });
}
