// The gRPC half of a new service's contract: its .proto comes from the template; these edits enter its method in the
// contract's table (grpc-methods.ts) and its messages and signature in the compile-time check against the .proto
// (proto-compat.ts), so that TRANSPORT=grpc works for the service from the start, as every other transport does.
import { insertAfterLast, insertBefore, replaceOnce } from './edits.ts';
import type { NewService } from './edits.ts';

const METHODS = 'libs/contracts/src/grpc/grpc-methods.ts';
const COMPAT = 'libs/contracts/src/grpc/proto-compat.ts';

/** grpc-methods.ts: the service's patterns are contract patterns, and `create` is its service's Create method. */
export function addToGrpcMethods(source: string, { name, pascal, constant, snake }: NewService): string {
  const patterns = `${constant}_PATTERNS`;
  let result = insertAfterLast(
    source,
    METHODS,
    /^import .* from '\.\.\/[^']+';$/gm,
    `import { ${patterns} } from '../${name}/${name}.patterns';\n`,
  );
  result = replaceOnce(
    result,
    METHODS,
    /^(export type ContractPattern =\n(?: {2}\| .*\n)*? {2}\| .*);$/m,
    (_, union) => {
      return `${union}\n  | (typeof ${patterns})[keyof typeof ${patterns}];`;
    },
  );
  const entry = `  [${patterns}.create]: { package: '${snake}', service: '${pascal}Service', method: 'Create', isEvent: false },\n`;
  return insertBefore(result, METHODS, /^\} as const satisfies Record<ContractPattern, GrpcMethodRef>;$/m, entry);
}

/** proto-compat.ts: the generated types of its .proto, checked against its contract's request and view. */
export function addToProtoCompat(source: string, { name, pascal, constant, snake }: NewService): string {
  const [request, view] = [`Create${pascal}ItemRequest`, `${pascal}ItemView`];
  const imports =
    `import type { ${constant}_PATTERNS } from '../${name}/${name}.patterns';\n` +
    `import type { ${request}, ${view} } from '../${name}/${name}.types';\n`;
  let result = insertAfterLast(source, COMPAT, /^(?:import type|\}) .*from '\.\.\/[^']+';$/gm, imports);
  result = insertAfterLast(
    result,
    COMPAT,
    /^import type \{ ProtoGrpcType as \w+ \} from '\.\/generated\/\w+';$/gm,
    `import type { ProtoGrpcType as ${pascal}Proto } from './generated/${snake}';\n`,
  );
  result = replaceOnce(
    result,
    COMPAT,
    /^type Proto = (.*);$/m,
    (_, types) => `type Proto = ${types} & ${pascal}Proto;`,
  );
  result = replaceOnce(result, COMPAT, /^(interface MessageContracts \{\n[\s\S]*?)^\}$/m, (_, body) => {
    return `${body}  ${snake}: {\n    ${request}: ${request};\n    ${view}: ${view};\n  };\n}`;
  });
  result = replaceOnce(result, COMPAT, /^(export type MessageChecks = \[\n[\s\S]*?)^\];$/m, (_, body) => {
    return `${body}  Assert<Mutual<keyof MessageContracts['${snake}'], MessageNames<'${snake}'>>>,\n  Assert<MessagesMatch<'${snake}'>>,\n];`;
  });
  return replaceOnce(result, COMPAT, /^(interface ContractSignatures \{\n[\s\S]*?)^\}$/m, (_, body) => {
    return `${body}  [${constant}_PATTERNS.create]: [${request}, ${view}];\n}`;
  });
}
