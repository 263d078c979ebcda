// A Dockerfile read with dockerfile-ast (the parser of the Docker language server), in the shape the checks here
// need: its stages, each with its resolved base image and its instructions, and the commands they run.
import { readFileSync } from 'node:fs';
import { Copy, DockerfileParser, type Instruction } from 'dockerfile-ast';

export type Stage = { name?: string; base: string; instructions: Instruction[] };

/** The stages of a Dockerfile, their bases with the global ARG defaults substituted (`FROM ${NODE_IMAGE}`). */
export function dockerfileStages(path: string): Stage[] {
  const dockerfile = DockerfileParser.parse(readFileSync(path, 'utf8'));
  const globalArgs = new Map(
    dockerfile.getInitialARGs().map((arg) => [arg.getProperty()?.getName(), arg.getProperty()?.getValue() ?? '']),
  );
  const stages: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const [image = '', as, name] = instruction.getArguments().map((argument) => argument.getValue());
      const base = image.replace(/\$\{?(\w+)\}?/g, (_match, variable: string) => globalArgs.get(variable) ?? '');
      stages.push({ name: as?.toUpperCase() === 'AS' ? name : undefined, base, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** The stage's instructions of one keyword (`COPY`, `RUN`, ...). */
export function instructionsOf(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((instruction) => instruction.getKeyword() === keyword);
}

/** The ARG names a stage declares. */
export function stageArgs(stage: Stage): string[] {
  return instructionsOf(stage, 'ARG').map((instruction) => instruction.getArguments()[0].getValue().split('=')[0]);
}

/** A RUN's shell command without its BuildKit flags (`--mount=...`). */
export function runCommand(instruction: Instruction): string {
  return (instruction.getArgumentsContent() ?? '').replace(/^(--\S+\s+)+/, '').trim();
}

/** A COPY's sources from the build context, or [] for a COPY --from another stage or image. */
export function copySources(instruction: Instruction): string[] {
  if (instruction instanceof Copy && instruction.getFromFlag()) return [];
  return instruction
    .getArguments()
    .map((argument) => argument.getValue())
    .slice(0, -1);
}

/** Where a COPY puts each of its sources, relative to WORKDIR: into a destination folder (`dir/`), or onto a file. */
export function copyTargets(instruction: Instruction): { source: string; target: string }[] {
  const destination = instruction.getArguments().at(-1)?.getValue() ?? '';
  return copySources(instruction).map((source) => ({
    source,
    target: destination.endsWith('/') ? `${destination}${source.split('/').at(-1)}` : destination,
  }));
}

/** The last HEALTHCHECK's command as a list, like a compose healthcheck's `test` (`CMD-SHELL x` for the shell form). */
export function healthcheckCommand(stage: Stage): string[] | undefined {
  const content = instructionsOf(stage, 'HEALTHCHECK').at(-1)?.getArgumentsContent() ?? '';
  const command = /\bCMD\s+([\s\S]*)$/.exec(content)?.[1]?.trim();
  if (command === undefined) return undefined;
  return command.startsWith('[') ? ['CMD', ...(JSON.parse(command) as string[])] : ['CMD-SHELL', command];
}

/** The user the stage's image runs as: its last USER, if any. */
export function stageUser(stage: Stage): string | undefined {
  return instructionsOf(stage, 'USER').at(-1)?.getArguments()[0]?.getValue();
}
