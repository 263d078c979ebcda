// Replays a Dockerfile's build natively, for machines with no Docker engine (CI): each stage the target needs gets a
// directory that stands for its filesystem, COPY copies from the build context (the files a clean clone has, minus
// .dockerignore) or from another stage's directory, and RUN runs the command there with the host's own tools. A COPY
// of a file that is not in the context, an install or a build that fails, a CMD or HEALTHCHECK naming a file the image
// does not have, or a module the app requires that its production node_modules lack: each fails here as it would in
// `docker build` or at the container's start.
//
//   node tools/infra/replay-dockerfile.mts [--file docker/Dockerfile] [--context .] [--target runtime]
//       [--build-arg NAME=value]... [--each NAME=a,b,c] [--skip-load] [--keep] [--json] [--dry-run]
//
// --dry-run runs nothing: it plans the build and checks that every COPY from the context finds its source there (in
// seconds, for npm test; the full replay takes minutes and runs in .ci/run).
// --each builds the target once per value, sharing the steps that do not depend on it (as Docker's layer cache would):
// `--each APP=gateway,user,order` installs the dependencies once and builds each app from there.
//
// Not replayed, by nature: the base images' contents (a stage starts empty and RUN uses the host's node and npm, so the
// host should run the Node.js major the image pins), USER (everything runs as the current user), absolute paths inside
// RUN commands, and cache mounts (RUN --mount=type=cache is run without the mount: npm then uses the host's cache).
// Refused, rather than replayed wrongly: ADD, SHELL, ONBUILD, heredocs, COPY --from an image.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';

// ---------------------------------------------------------------------------------------------------------------------
// Dockerfile parsing

type Instruction = { keyword: string; args: string; line: number };
type Stage = { index: number; name?: string; from: Instruction; instructions: Instruction[] };
type Dockerfile = { globalArgs: Instruction[]; stages: Stage[] };

/** Instructions with comments dropped and continuation lines joined. */
function parseInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  let startLine = 0;
  text.split(/\r?\n/).forEach((raw, index) => {
    if (/^\s*#/.test(raw) || (pending === '' && raw.trim() === '')) return;
    if (pending === '') startLine = index + 1;
    if (/\\\s*$/.test(raw)) {
      pending += raw.replace(/\\\s*$/, ' ');
      return;
    }
    const full = (pending + raw).trim();
    pending = '';
    const match = /^(\S+)\s*([\s\S]*)$/.exec(full);
    if (match) instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim(), line: startLine });
  });
  if (pending.trim() !== '') throw new Error('the Dockerfile ends inside a continued line');
  return instructions;
}

function parseDockerfile(text: string): Dockerfile {
  const globalArgs: Instruction[] = [];
  const stages: Stage[] = [];
  for (const instruction of parseInstructions(text)) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      const name = words[1]?.toUpperCase() === 'AS' ? words[2]?.toLowerCase() : undefined;
      stages.push({ index: stages.length, name, from: instruction, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG') fail(instruction, 'only ARG may come before the first FROM');
      globalArgs.push(instruction);
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  if (stages.length === 0) throw new Error('the Dockerfile has no FROM');
  return { globalArgs, stages };
}

function fail(instruction: Instruction, message: string): never {
  throw new Error(`line ${instruction.line} (${instruction.keyword} ${instruction.args}): ${message}`);
}

/** Dockerfile variable substitution: $VAR, ${VAR}, ${VAR:-default}, ${VAR:+alternative}; \$ is a literal $. */
function substitute(text: string, vars: Record<string, string | undefined>): string {
  return text.replace(/\\\$|\$\{(\w+)(?::([-+])([^}]*))?\}|\$(\w+)/g, (whole, braced, op, word, bare) => {
    if (whole === '\\$') return '$';
    const value = vars[(braced ?? bare) as string];
    if (op === '-') return value === undefined || value === '' ? (word as string) : value;
    if (op === '+') return value === undefined || value === '' ? '' : (word as string);
    return value ?? '';
  });
}

/** `--name=value` flags at the start of an instruction's arguments, and the rest. */
function takeFlags(args: string): { flags: Record<string, string>; rest: string } {
  const flags: Record<string, string> = {};
  let rest = args;
  for (let match = /^--([\w-]+)(?:=(\S*))?\s*/.exec(rest); match; match = /^--([\w-]+)(?:=(\S*))?\s*/.exec(rest)) {
    flags[match[1]!] = match[2] ?? 'true';
    rest = rest.slice(match[0].length);
  }
  return { flags, rest };
}

/** The JSON (exec) form of an instruction's arguments, when it is one. */
function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** `A=1 B="two words"` (or the legacy `A one value`) into pairs, values substituted. */
function keyValues(args: string, vars: Record<string, string | undefined>): [string, string][] {
  if (!/^\w+=/.test(args)) {
    const [key = '', ...value] = args.split(/\s+/);
    return [[key, substitute(value.join(' '), vars)]];
  }
  const pairs: [string, string][] = [];
  for (const match of args.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)) {
    const raw = match[2]!;
    const value = raw.startsWith('"')
      ? raw.slice(1, -1).replace(/\\(.)/g, '$1')
      : raw.startsWith("'")
        ? raw.slice(1, -1)
        : raw;
    pairs.push([match[1]!, raw.startsWith("'") ? value : substitute(value, vars)]);
  }
  return pairs;
}

// ---------------------------------------------------------------------------------------------------------------------
// Build context: the files a clean clone has (git ls-files: tracked, and untracked but not ignored), minus .dockerignore

type IgnoreRule = { regex: RegExp; negate: boolean };

/** .dockerignore rules, with Docker's semantics: Go-style globs plus `**`, `!` re-includes, the last match wins. */
function dockerignoreRules(text: string): IgnoreRule[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negate = line.startsWith('!');
      const pattern = posix
        .normalize((negate ? line.slice(1) : line).trim())
        .replace(/^\/+|^\.\//g, '')
        .replace(/\/+$/, '');
      return { regex: globRegex(pattern), negate };
    });
}

function globRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      // `**/` matches any number of directories, a trailing `**` anything below.
      source += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += pattern[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) source += '\\[';
      else {
        source += `[${pattern
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < pattern.length) source += `\\${pattern[++i]}`;
    else source += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Whether .dockerignore leaves `path` (relative, with /) out of the context: a rule matching it or a parent counts. */
function isIgnored(path: string, rules: IgnoreRule[]): boolean {
  const parents = path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const rule of rules) {
    if (parents.some((candidate) => rule.regex.test(candidate))) ignored = !rule.negate;
  }
  return ignored;
}

/** The files of the build context, relative to it. */
async function contextFiles(context: string): Promise<string[]> {
  const git = await run('git', ['-C', context, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    capture: true,
    allowFailure: true,
  });
  const files =
    git.code === 0
      ? git.stdout.split('\0').filter((file) => file !== '' && existsOrLink(join(context, file)))
      : walk(context).filter((file) => !file.startsWith('.git/'));
  const ignore = join(context, '.dockerignore');
  const rules = existsSync(ignore) ? dockerignoreRules(readFileSync(ignore, 'utf8')) : [];
  return [...new Set(files)].filter((file) => !isIgnored(file, rules)).sort();
}

function existsOrLink(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Every file (and symlink) under `dir`, relative to it, with / separators. */
function walk(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    return entry.isDirectory() ? walk(dir, path) : [path];
  });
}

function copyEntry(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  const stat = lstatSync(from);
  if (stat.isSymbolicLink()) {
    rmSync(to, { force: true });
    symlinkSync(readlinkSync(from), to);
  } else if (stat.isDirectory()) {
    cpSync(from, to, { recursive: true, verbatimSymlinks: true, force: true });
  } else {
    copyFileSync(from, to);
  }
}

/** A copy of a whole stage directory: `cp -a` (fast, keeps links and modes), or Node's cpSync where there is none. */
async function copyTree(from: string, to: string): Promise<void> {
  mkdirSync(to, { recursive: true });
  const cp = await run('cp', ['-a', '--reflink=auto', `${from}/.`, to], { capture: true, allowFailure: true });
  if (cp.code !== 0) cpSync(from, to, { recursive: true, verbatimSymlinks: true });
}

// ---------------------------------------------------------------------------------------------------------------------
// Processes

type RunOptions = { cwd?: string; env?: NodeJS.ProcessEnv; capture?: boolean; allowFailure?: boolean };
let current: ChildProcess | undefined;

function run(
  command: string,
  args: string[],
  { cwd, env, capture = false, allowFailure = false }: RunOptions = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolveRun, rejectRun) => {
    const child = spawn(command, args, { cwd, env, stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    current = child;
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => {
      current = undefined;
      if (allowFailure) resolveRun({ code: 127, stdout, stderr: error.message });
      else rejectRun(error);
    });
    child.on('close', (code, signal) => {
      current = undefined;
      const result = { code: code ?? (signal ? 128 : 1), stdout, stderr };
      if (result.code !== 0 && !allowFailure) {
        rejectRun(new Error(`${command} ${args.join(' ')} exited ${signal ?? code}${capture ? `\n${stderr}` : ''}`));
      } else resolveRun(result);
    });
  });
}

/**
 * The environment a RUN step sees: the stage's ENV and ARGs over what the host needs to run its tools and reach its
 * registry (PATH, HOME for npm's cache and config, proxies and CA settings, npm's own variables). Nothing else leaks in:
 * a NODE_ENV=production on the host must not turn the build stage's install into a production one.
 */
function runEnvironment(stageEnv: Record<string, string>): NodeJS.ProcessEnv {
  const passed =
    /^(PATH|HOME|USER|TMPDIR|TEMP|TMP|LANG|LC_\w+|TZ|CI|NODE_EXTRA_CA_CERTS|SSL_CERT_(FILE|DIR)|(HTTPS?|NO|ALL)_PROXY|npm_config_\w+|NPM_CONFIG_\w+)$/i;
  const host = Object.fromEntries(Object.entries(process.env).filter(([key]) => passed.test(key)));
  return { ...host, ...stageEnv };
}

// ---------------------------------------------------------------------------------------------------------------------
// Planning: each variant's steps per stage, with cache keys

type Step =
  | { kind: 'run'; instruction: Instruction; argv: string[]; env: Record<string, string>; workdir: string }
  | { kind: 'copy'; instruction: Instruction; sources: string[]; dest: string; from?: number; workdir: string }
  | { kind: 'workdir'; instruction: Instruction; workdir: string }
  | { kind: 'meta'; instruction: Instruction };

type StagePlan = {
  stage: Stage;
  /** The stage this one starts from (FROM <stage>), or the image. */
  base: { stage: number } | { image: string };
  steps: Step[];
  keys: string[];
  image: ImageConfig;
};

type ImageConfig = {
  workdir: string;
  env: Record<string, string>;
  user?: string;
  cmd?: string[];
  entrypoint?: string[];
  healthcheck?: string[];
};

const hash = (...parts: unknown[]): string =>
  createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);

function stageIndex(dockerfile: Dockerfile, ref: string): number | undefined {
  const byName = dockerfile.stages.find((stage) => stage.name === ref.toLowerCase());
  if (byName) return byName.index;
  return /^\d+$/.test(ref) && Number(ref) < dockerfile.stages.length ? Number(ref) : undefined;
}

/** The plan of every stage, for one set of build args; keys chain each step to all that came before it. */
function plan(dockerfile: Dockerfile, buildArgs: Record<string, string>): StagePlan[] {
  const globals: Record<string, string | undefined> = {};
  for (const instruction of dockerfile.globalArgs) {
    const [name = '', value] = keyValueOrName(instruction.args);
    globals[name] = buildArgs[name] ?? (value === undefined ? undefined : substitute(value, globals));
  }
  const plans: StagePlan[] = [];
  for (const stage of dockerfile.stages) {
    const { rest } = takeFlags(stage.from.args);
    const baseRef = substitute(rest.split(/\s+/)[0] ?? '', globals);
    const baseStage = stageIndex(dockerfile, baseRef);
    if (baseStage !== undefined && baseStage >= stage.index) fail(stage.from, 'FROM names a later stage');
    const inherited = baseStage === undefined ? undefined : plans[baseStage]!.image;
    const image: ImageConfig = inherited ? { ...inherited, env: { ...inherited.env } } : { workdir: '/', env: {} };
    const args: Record<string, string> = {};
    const vars = (): Record<string, string | undefined> => ({ ...args, ...image.env });
    const steps: Step[] = [];
    for (const instruction of stage.instructions) {
      const { flags, rest: body } = takeFlags(instruction.args);
      switch (instruction.keyword) {
        case 'ARG': {
          for (const declaration of body.split(/\s+/)) {
            const [name = '', value] = keyValueOrName(declaration);
            const resolved = buildArgs[name] ?? (value === undefined ? globals[name] : substitute(value, vars()));
            if (resolved !== undefined) args[name] = resolved;
          }
          steps.push({ kind: 'meta', instruction });
          break;
        }
        case 'ENV':
          for (const [key, value] of keyValues(body, vars())) image.env[key] = value;
          steps.push({ kind: 'meta', instruction });
          break;
        case 'WORKDIR':
          image.workdir = posix.resolve(image.workdir, substitute(body, vars()));
          steps.push({ kind: 'workdir', instruction, workdir: image.workdir });
          break;
        case 'COPY': {
          if (/<</.test(body)) fail(instruction, 'heredocs are not replayed');
          const words = execForm(body) ?? body.split(/\s+/);
          const resolved = words.map((word) => substitute(word, vars()));
          if (resolved.length < 2) fail(instruction, 'COPY needs a source and a destination');
          let from: number | undefined;
          if (flags.from !== undefined) {
            from = stageIndex(dockerfile, substitute(flags.from, vars()));
            if (from === undefined) fail(instruction, `--from=${flags.from} is an image, not a stage: not replayed`);
            if (from >= stage.index) fail(instruction, '--from names a later stage');
          }
          steps.push({
            kind: 'copy',
            instruction,
            sources: resolved.slice(0, -1),
            dest: resolved.at(-1)!,
            from,
            workdir: image.workdir,
          });
          break;
        }
        case 'RUN': {
          if (/<</.test(body)) fail(instruction, 'heredocs are not replayed');
          const exec = execForm(body);
          const argv = exec ?? ['/bin/sh', '-c', body];
          const env = Object.fromEntries(
            Object.entries({ ...args, ...image.env }).filter(
              (entry): entry is [string, string] => entry[1] !== undefined,
            ),
          );
          steps.push({ kind: 'run', instruction, argv, env, workdir: image.workdir });
          break;
        }
        case 'USER':
          image.user = substitute(body, vars());
          steps.push({ kind: 'meta', instruction });
          break;
        case 'CMD':
        case 'ENTRYPOINT': {
          const command = execForm(body) ?? ['/bin/sh', '-c', body];
          if (instruction.keyword === 'CMD') image.cmd = command;
          else image.entrypoint = command;
          steps.push({ kind: 'meta', instruction });
          break;
        }
        case 'HEALTHCHECK': {
          const command = /^(?:--\S+\s+)*CMD\s+([\s\S]+)$/.exec(instruction.args)?.[1];
          image.healthcheck = command === undefined ? undefined : (execForm(command) ?? ['/bin/sh', '-c', command]);
          steps.push({ kind: 'meta', instruction });
          break;
        }
        case 'EXPOSE':
        case 'LABEL':
        case 'STOPSIGNAL':
        case 'VOLUME':
        case 'MAINTAINER':
          steps.push({ kind: 'meta', instruction });
          break;
        default:
          fail(instruction, `${instruction.keyword} is not replayed`);
      }
    }
    const base = baseStage === undefined ? { image: baseRef } : { stage: baseStage };
    plans.push({ stage, base, steps, keys: [], image });
  }
  // Keys, now that every stage's steps are known: a COPY --from depends on the whole of that stage.
  for (const stagePlan of plans) {
    let key =
      'stage' in stagePlan.base ? plans[stagePlan.base.stage]!.keys.at(-1)! : hash('image', stagePlan.base.image);
    for (const step of stagePlan.steps) {
      const dependency = step.kind === 'copy' && step.from !== undefined ? plans[step.from]!.keys.at(-1) : undefined;
      const { instruction: _instruction, ...content } = step;
      key = hash(key, content, dependency);
      stagePlan.keys.push(key);
    }
    if (stagePlan.keys.length === 0) stagePlan.keys.push(key);
  }
  return plans;
}

function keyValueOrName(text: string): [string, string | undefined] {
  const at = text.indexOf('=');
  return at < 0
    ? [text.trim(), undefined]
    : [
        text.slice(0, at).trim(),
        text
          .slice(at + 1)
          .trim()
          .replace(/^"(.*)"$/, '$1'),
      ];
}

/** The stages `target` needs: itself, and those it starts from or copies from, transitively, in file order. */
function neededStages(plans: StagePlan[], target: number): number[] {
  const needed = new Set<number>();
  const visit = (index: number): void => {
    if (needed.has(index)) return;
    needed.add(index);
    const stagePlan = plans[index]!;
    if ('stage' in stagePlan.base) visit(stagePlan.base.stage);
    for (const step of stagePlan.steps) if (step.kind === 'copy' && step.from !== undefined) visit(step.from);
  };
  visit(target);
  return [...needed].sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------------------------------
// Execution

type Build = {
  work: string;
  context: string;
  log: (line: string) => void;
  /** The directory holding a stage's end state, by the key of its last step (for FROM, COPY --from, the checks). */
  states: Map<string, string>;
  dirs: number;
};

/** Where an absolute path inside a stage lives on the host. */
const inStage = (root: string, path: string): string => join(root, ...posix.normalize(path).split('/').filter(Boolean));

async function executeStep(build: Build, step: Step, root: string, states: Map<string, string>): Promise<void> {
  switch (step.kind) {
    case 'meta':
      return;
    case 'workdir':
      mkdirSync(inStage(root, step.workdir), { recursive: true });
      return;
    case 'run': {
      const cwd = inStage(root, step.workdir);
      mkdirSync(cwd, { recursive: true });
      const [command = '', ...args] = step.argv;
      const result = await run(command, args, { cwd, env: runEnvironment(step.env), allowFailure: true });
      if (result.code !== 0) fail(step.instruction, `exited ${result.code}`);
      return;
    }
    case 'copy': {
      const sourceRoot = step.from === undefined ? build.context : states.get(`stage-end:${step.from}`)!;
      const destDir = posix.resolve(step.workdir, step.dest);
      const intoDir = step.dest.endsWith('/') || step.sources.length > 1;
      for (const source of step.sources) {
        const matches = expandSource(sourceRoot, source, step.from === undefined);
        if (matches.length === 0) {
          fail(
            step.instruction,
            step.from === undefined
              ? `${source}: not in the build context (not in the repository, or excluded by .dockerignore)`
              : `${source}: not in stage ${step.from}`,
          );
        }
        for (const match of matches) {
          const isDir = statSync(match).isDirectory();
          const target = isDir
            ? inStage(root, destDir)
            : intoDir || matches.length > 1 || isDirectory(inStage(root, destDir))
              ? join(inStage(root, destDir), basename(match))
              : inStage(root, destDir);
          if (isDir) {
            mkdirSync(target, { recursive: true });
            for (const entry of readdirSync(match)) copyEntry(join(match, entry), join(target, entry));
          } else copyEntry(match, target);
        }
      }
      return;
    }
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The paths a COPY source names: relative to the context (or absolute in a stage), with * ? [] wildcards. */
function expandSource(sourceRoot: string, source: string, fromContext: boolean): string[] {
  const normalized = posix.normalize(fromContext ? source.replace(/^\/+/, '') : source).replace(/\/+$/, '');
  if (fromContext && (normalized === '..' || normalized.startsWith('../'))) return [];
  if (!/[*?[]/.test(normalized)) {
    const path = normalized === '.' || normalized === '' ? sourceRoot : inStage(sourceRoot, normalized);
    return existsOrLink(path) ? [path] : [];
  }
  const regex = globRegex(normalized.replace(/^\/+/, ''));
  const candidates = walk(sourceRoot).flatMap((file) =>
    file.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/')),
  );
  return [...new Set(candidates)]
    .filter((candidate) => regex.test(candidate))
    .map((candidate) => inStage(sourceRoot, candidate));
}

/** COPY sources (from the context) that the context lacks, per the plan of every variant: no file is copied. */
function missingContextSources(variants: Variant[], stages: number[], files: string[]): string[] {
  const paths = new Set(files.flatMap((file) => file.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'))));
  const missing = new Set<string>();
  for (const variant of variants) {
    for (const index of stages) {
      for (const step of variant.plans[index]!.steps) {
        if (step.kind !== 'copy' || step.from !== undefined) continue;
        for (const source of step.sources) {
          const normalized = posix.normalize(source.replace(/^\/+/, '')).replace(/\/+$/, '');
          const found =
            normalized === '.' || normalized === ''
              ? files.length > 0
              : /[*?[]/.test(normalized)
                ? [...paths].some((path) => globRegex(normalized).test(path))
                : paths.has(normalized);
          if (!found) {
            missing.add(
              `line ${step.instruction.line} (COPY ${step.instruction.args}): ${source}: not in the build context ` +
                '(not in the repository, or excluded by .dockerignore)',
            );
          }
        }
      }
    }
  }
  return [...missing];
}

type Variant = { label: string; buildArgs: Record<string, string>; plans: StagePlan[] };

/** Builds the needed stages of every variant, running each distinct step once and forking where variants diverge. */
async function buildAll(build: Build, variants: Variant[], stages: number[]): Promise<void> {
  for (const index of stages) {
    // Group the variants by the key of each step: a trie whose branches are where the build args make a difference.
    type Node = { key: string; step?: Step; children: Map<string, Node>; ends: Variant[] };
    const roots = new Map<string, Node>();
    for (const variant of variants) {
      const stagePlan = variant.plans[index]!;
      const baseKey =
        'stage' in stagePlan.base
          ? variant.plans[stagePlan.base.stage]!.keys.at(-1)!
          : hash('image', stagePlan.base.image);
      let node = roots.get(baseKey);
      if (!node) roots.set(baseKey, (node = { key: baseKey, children: new Map(), ends: [] }));
      stagePlan.steps.forEach((step, i) => {
        const key = stagePlan.keys[i]!;
        let child = node!.children.get(key);
        if (!child) node!.children.set(key, (child = { key, step, children: new Map(), ends: [] }));
        node = child;
      });
      node.ends.push(variant);
    }
    const stagePlan = variants[0]!.plans[index]!;
    const title = `stage ${stagePlan.stage.name ?? index}`;
    const visit = async (node: Node, root: string): Promise<void> => {
      const children = [...node.children.values()];
      if (node.ends.length > 0) build.states.set(node.key, root);
      for (const [i, child] of children.entries()) {
        const keepsRoot = i === children.length - 1 && node.ends.length === 0;
        const childRoot = keepsRoot ? root : newStateDir(build, index);
        if (!keepsRoot) {
          const copying = Date.now();
          await copyTree(root, childRoot);
          build.log(
            `${title}: copied the stage so far for ${variantsBelow(child)
              .map((variant) => variant.label)
              .join(', ')} (${((Date.now() - copying) / 1000).toFixed(1)}s)`,
          );
        }
        const step = child.step!;
        const labels = variantsBelow(child).map((variant) => variant.label);
        const started = Date.now();
        const states = new Map<string, string>();
        if (step.kind === 'copy' && step.from !== undefined) {
          // COPY --from reads the source stage as built for these variants (they agree on it, or the keys would differ).
          states.set(
            `stage-end:${step.from}`,
            build.states.get(variantsBelow(child)[0]!.plans[step.from]!.keys.at(-1)!)!,
          );
        }
        await executeStep(build, step, childRoot, states);
        if (step.kind !== 'meta') {
          const shared = labels.length > 1 ? ` [shared by ${labels.join(', ')}]` : labels[0] ? ` [${labels[0]}]` : '';
          build.log(
            `${title} line ${step.instruction.line}: ${step.instruction.keyword} ${step.instruction.args}${shared} ` +
              `(${((Date.now() - started) / 1000).toFixed(1)}s)`,
          );
        }
        await visit(child, childRoot);
      }
    };
    for (const root of roots.values()) {
      const dir = newStateDir(build, index);
      const first = variantsBelow(root)[0]!.plans[index]!;
      if ('stage' in first.base) await copyTree(build.states.get(root.key)!, dir);
      else mkdirSync(dir, { recursive: true });
      await visit(root, dir);
    }
  }
}

/** A fresh directory for a stage's filesystem (never derived from keys: two stages may start from the same image). */
function newStateDir(build: Build, stage: number): string {
  return join(build.work, `stage-${stage}-${++build.dirs}`);
}

function variantsBelow(node: { children: Map<string, unknown>; ends: Variant[] }): Variant[] {
  const below: Variant[] = [...node.ends];
  for (const child of node.children.values()) {
    below.push(...variantsBelow(child as { children: Map<string, unknown>; ends: Variant[] }));
  }
  return below;
}

// ---------------------------------------------------------------------------------------------------------------------
// Checks of the built image

/** Files the image's CMD, ENTRYPOINT and HEALTHCHECK name (words ending in .js, .cjs, .mjs, .mts or .ts) that are missing. */
function missingCommandFiles(root: string, image: ImageConfig): string[] {
  const words = [image.entrypoint, image.cmd, image.healthcheck]
    .filter((command): command is string[] => command !== undefined)
    .flatMap((command) => command.flatMap((word) => substitute(word, image.env).split(/\s+/)));
  return words
    .filter((word) => /\.(c|m)?(j|t)s$/.test(word) && !word.startsWith('-'))
    .map((word) => posix.resolve(image.workdir, word))
    .filter((path) => !existsSync(inStage(root, path)));
}

/** The modules the image's own JavaScript (under WORKDIR, outside node_modules) requires with a literal specifier. */
function requiredModules(root: string, workdir: string): { file: string; specifier: string }[] {
  const dir = inStage(root, workdir);
  if (!existsSync(dir)) return [];
  return walk(dir)
    .filter((file) => /\.(c|m)?js$/.test(file) && !file.split('/').includes('node_modules'))
    .flatMap((file) => {
      const source = readFileSync(join(dir, file), 'utf8');
      return [...source.matchAll(/\brequire\(\s*(["'])([^"'\n]+)\1\s*\)/g)].map((match) => ({
        file: join(dir, file),
        specifier: match[2]!,
      }));
    });
}

type ModuleReport = { checked: number; packages: string[]; problems: string[] };

/**
 * Every literal require() of the image's code resolves inside the image (relative files exist, packages are in its
 * node_modules), and every package it requires loads in a fresh Node.js, which also catches a missing dependency of a
 * dependency. Loading runs module code, none of the app's own.
 */
async function checkModules(root: string, image: ImageConfig, load: boolean): Promise<ModuleReport> {
  const problems: string[] = [];
  const packages = new Map<string, string>();
  const requires = requiredModules(root, image.workdir);
  for (const { file, specifier } of requires) {
    if (isBuiltin(specifier)) continue;
    let resolved: string;
    try {
      resolved = createRequire(file).resolve(specifier);
    } catch {
      problems.push(`${relative(root, file)}: require('${specifier}') does not resolve`);
      continue;
    }
    if (!resolved.startsWith(root + sep)) {
      problems.push(`${relative(root, file)}: require('${specifier}') resolves outside the image, to ${resolved}`);
    } else if (!specifier.startsWith('.') && !specifier.startsWith('/')) packages.set(specifier, file);
  }
  if (load && packages.size > 0) {
    const script =
      'const { createRequire } = require("node:module");' +
      'const failed = [];' +
      'for (const [specifier, from] of JSON.parse(process.argv[1])) {' +
      '  try { createRequire(from)(specifier); } catch (error) { failed.push(`${specifier}: ${error.message.split("\\n")[0]}`); }' +
      '}' +
      'console.log(JSON.stringify(failed)); process.exit(0);';
    const result = await run(process.execPath, ['-e', script, JSON.stringify([...packages])], {
      cwd: inStage(root, image.workdir),
      env: runEnvironment(image.env),
      capture: true,
      allowFailure: true,
    });
    const lastLine = result.stdout.trim().split('\n').at(-1) ?? '';
    let failed: string[];
    try {
      failed = JSON.parse(lastLine) as string[];
    } catch {
      failed = [`loading the packages crashed (exit ${result.code}): ${result.stderr.trim().split('\n').at(-1) ?? ''}`];
    }
    problems.push(...failed.map((line) => `cannot load ${line}`));
  }
  return { checked: requires.length, packages: [...packages.keys()].sort(), problems };
}

// ---------------------------------------------------------------------------------------------------------------------
// CLI

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      file: { type: 'string', default: 'docker/Dockerfile' },
      context: { type: 'string', default: '.' },
      target: { type: 'string' },
      'build-arg': { type: 'string', multiple: true, default: [] },
      each: { type: 'string' },
      'skip-load': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  const log = (line: string): void => void process.stderr.write(`[replay] ${line}\n`);
  const file = resolve(values.file);
  const context = resolve(values.context);
  const dockerfile = parseDockerfile(readFileSync(file, 'utf8'));
  const target = values.target === undefined ? dockerfile.stages.length - 1 : stageIndex(dockerfile, values.target);
  if (target === undefined) throw new Error(`no stage named ${values.target}`);

  const buildArgs: Record<string, string> = {};
  for (const arg of values['build-arg']) {
    const [name, value] = keyValueOrName(arg);
    buildArgs[name] = value ?? process.env[name] ?? '';
  }
  const each = values.each === undefined ? undefined : keyValueOrName(values.each);
  const variantArgs =
    each?.[1] === undefined ? [buildArgs] : each[1].split(',').map((value) => ({ ...buildArgs, [each[0]]: value }));
  const variants: Variant[] = variantArgs.map((args) => ({
    label: each ? `${each[0]}=${args[each[0]]}` : 'default',
    buildArgs: args,
    plans: plan(dockerfile, args),
  }));
  const stages = neededStages(variants[0]!.plans, target);

  const work = mkdtempSync(join(tmpdir(), 'replay-dockerfile-'));
  const cleanup = (): void => {
    if (!values.keep) rmSync(work, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      current?.kill(signal);
      cleanup();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
  try {
    const started = Date.now();
    const files = await contextFiles(context);
    if (values['dry-run']) {
      const missing = missingContextSources(variants, stages, files);
      for (const line of missing) log(line);
      log(
        `${relative(process.cwd(), file) || file}: planned ${variants.length} variant(s), ${missing.length} missing source(s)`,
      );
      return missing.length === 0 ? 0 : 1;
    }
    const contextDir = join(work, 'context');
    for (const path of files) copyEntry(join(context, path), join(contextDir, path));
    mkdirSync(contextDir, { recursive: true });
    log(
      `${relative(process.cwd(), file) || file}: target ${values.target ?? 'last stage'}, ${variants.length} variant(s); context ${files.length} files; work dir ${work}`,
    );

    const build: Build = { work, context: contextDir, log, states: new Map(), dirs: 0 };
    await buildAll(build, variants, stages);

    const report: Record<string, unknown> = {};
    let failures = 0;
    for (const variant of variants) {
      const targetPlan = variant.plans[target]!;
      const root = build.states.get(targetPlan.keys.at(-1)!)!;
      const missing = missingCommandFiles(root, targetPlan.image);
      const modules = await checkModules(root, targetPlan.image, !values['skip-load']);
      const problems = [
        ...missing.map((path) => `CMD/ENTRYPOINT/HEALTHCHECK names ${path}, which the image lacks`),
        ...modules.problems,
      ];
      failures += problems.length;
      for (const problem of problems) log(`${variant.label}: ${problem}`);
      log(
        `${variant.label}: ${problems.length === 0 ? 'ok' : `${problems.length} problem(s)`}; ` +
          `${modules.checked} require() calls, ${modules.packages.length} packages ${values['skip-load'] ? 'resolved' : 'resolved and loaded'}; ` +
          `user ${targetPlan.image.user ?? 'root'}, workdir ${targetPlan.image.workdir}`,
      );
      report[variant.label] = { root, image: targetPlan.image, packages: modules.packages, problems };
    }
    log(`done in ${((Date.now() - started) / 1000).toFixed(0)}s${values.keep ? `; kept ${work}` : ''}`);
    if (values.json) process.stdout.write(`${JSON.stringify({ work, variants: report }, null, 2)}\n`);
    return failures === 0 ? 0 : 1;
  } finally {
    cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`[replay] failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
