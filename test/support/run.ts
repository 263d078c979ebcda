import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  /** Variables over this process's environment. */
  env?: NodeJS.ProcessEnv;
}

/** Runs a program to its end and resolves with its exit code and output, whether it succeeded or not. */
export function run(command: string, args: string[], { cwd, env = {} }: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A command line, as a shell runs it (the docs' commands are run as written). */
export function runShell(line: string, options?: RunOptions): Promise<RunResult> {
  return run('bash', ['-c', line], options);
}

/** Like run, but fails with the command's output unless it exited 0; resolves with its stdout. */
export async function mustRun(command: string, args: string[], options?: RunOptions): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** What `curl -i` printed: the status line, the headers (names lower-cased), a blank line, the body. */
export function parseCurlResponse(output: string): { status: number; headers: Record<string, string>; body: string } {
  const [head, body] = output.split(/\r?\n\r?\n/, 2);
  const [statusLine, ...headerLines] = head.split(/\r?\n/);
  return {
    status: Number(/^HTTP\/[\d.]+ (\d{3})/.exec(statusLine)?.[1]),
    headers: Object.fromEntries(
      headerLines.map((line) => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
      }),
    ),
    body,
  };
}
