import { readFileSync } from 'node:fs';
import { Copy, DockerfileParser, Env, type Instruction } from 'dockerfile-ast';

/** One COPY: its `--from` stage (undefined: the build context), sources and destination as written. */
export interface CopyStep {
  readonly from: string | undefined;
  readonly sources: readonly string[];
  readonly destination: string;
}

/** One FROM ... [AS name] and the instructions up to the next FROM. */
export interface Stage {
  readonly name: string | undefined;
  /** The base image with the Dockerfile's global ARG defaults substituted. */
  readonly image: string;
  readonly instructions: readonly Instruction[];
}

/** What the checks read from a Dockerfile: its stages, and the final stage's settings. */
export interface DockerfileModel {
  readonly stages: readonly Stage[];
  readonly final: Stage;
  readonly copies: readonly CopyStep[];
  /** The final stage's last USER, ENV (last value per name), EXPOSE ports, HEALTHCHECK and CMD arguments. */
  readonly user: string | undefined;
  readonly env: ReadonlyMap<string, string>;
  readonly exposed: readonly number[];
  readonly healthcheck: readonly string[] | undefined;
  readonly cmd: readonly string[] | undefined;
}

/** Parses a Dockerfile with dockerfile-ast (the parser of the Dockerfile language server). */
export function readDockerfile(path: string): DockerfileModel {
  const dockerfile = DockerfileParser.parse(readFileSync(path, 'utf8'));
  const globals = new Map(
    dockerfile.getInitialARGs().flatMap((arg) => {
      const property = arg.getProperty();
      return property ? [[property.getName(), property.getValue() ?? ''] as const] : [];
    }),
  );
  const stages = splitStages(dockerfile.getInstructions(), globals);
  const final = stages[stages.length - 1];
  if (!final) throw new Error(`${path} has no FROM`);
  const of = (keyword: string) => final.instructions.filter((i) => i.getKeyword() === keyword);
  return {
    stages,
    final,
    copies: of('COPY').map(copyStep),
    user: of('USER').at(-1)?.getArgumentsContent() ?? undefined,
    env: new Map(of('ENV').flatMap(envPairs)),
    exposed: of('EXPOSE').flatMap((i) => i.getArguments().map((a) => Number(a.getValue()))),
    healthcheck: lastJsonArguments(of('HEALTHCHECK')),
    cmd: lastJsonArguments(of('CMD')),
  };
}

function splitStages(instructions: readonly Instruction[], globals: ReadonlyMap<string, string>): Stage[] {
  const stages: { name: string | undefined; image: string; instructions: Instruction[] }[] = [];
  for (const instruction of instructions) {
    if (instruction.getKeyword() === 'FROM') {
      const [image, as, name] = instruction.getArguments().map((a) => a.getValue());
      stages.push({
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        image: substitute(image ?? '', globals),
        instructions: [],
      });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** `${NAME}` / `$NAME` replaced by the global ARG's default (the only variables a FROM may use). */
function substitute(text: string, globals: ReadonlyMap<string, string>): string {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced?: string, bare?: string) => {
    const value = globals.get(braced ?? bare ?? '');
    return value ?? whole;
  });
}

/** dockerfile-ast keeps a COPY's flags apart from its arguments (the paths). */
function copyStep(instruction: Instruction): CopyStep {
  const paths = instruction.getArguments().map((a) => a.getValue());
  const from = instruction instanceof Copy ? (instruction.getFromFlag()?.getValue() ?? undefined) : undefined;
  return { from, sources: paths.slice(0, -1), destination: paths.at(-1) ?? '' };
}

function envPairs(instruction: Instruction): [string, string][] {
  if (!(instruction instanceof Env)) return [];
  return instruction.getProperties().map((p) => [p.getName(), p.getUnescapedValue() ?? '']);
}

/** The JSON (exec form) arguments of the last of these instructions, after any `--flag`s and HEALTHCHECK's `CMD`. */
function lastJsonArguments(instructions: readonly Instruction[]): string[] | undefined {
  const last = instructions.at(-1);
  if (!last) return undefined;
  const content = last.getArgumentsContent() ?? '';
  const json = content.slice(content.indexOf('['));
  return JSON.parse(json) as string[];
}
