import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addToGrpcMethods, addToPackageJson, addToProtoCompat } from './edits';
import type { NewService } from './edits';
import { namesOf } from './naming';

const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
// A hyphenated name no service of this repository has: its .proto package is snake case.
const stockLevel: NewService = {
  ...namesOf('stock-level'),
  ports: { httpPort: 3003, rpcPort: 4003, embeddedDatabasePort: 5435 },
  project: 'acme-shop',
  version: '2.3.4',
};

describe('the gRPC edits, on this repository’s files', () => {
  it('maps the service’s pattern to its Create method, and makes its patterns contract patterns', () => {
    const after = addToGrpcMethods(read('libs/contracts/src/grpc/grpc-methods.ts'), stockLevel);

    expect(after).toContain("import { STOCK_LEVEL_PATTERNS } from '../stock-level/stock-level.patterns';\n");
    expect(after).toMatch(/ {2}\| \(typeof STOCK_LEVEL_PATTERNS\)\[keyof typeof STOCK_LEVEL_PATTERNS\];\n/);
    expect(after).toContain(
      "  [STOCK_LEVEL_PATTERNS.create]: { package: 'stock_level', service: 'StockLevelService', method: 'Create', isEvent: false },\n} as const satisfies",
    );
  });

  it('checks its generated types against its contract, messages and signature', () => {
    const after = addToProtoCompat(read('libs/contracts/src/grpc/proto-compat.ts'), stockLevel);

    expect(after).toContain("import type { ProtoGrpcType as StockLevelProto } from './generated/stock_level';\n");
    expect(after).toMatch(/^type Proto = .* & StockLevelProto;$/m);
    expect(after).toContain(
      '  stock_level: {\n    CreateStockLevelItemRequest: CreateStockLevelItemRequest;\n    StockLevelItemView: StockLevelItemView;\n  };\n}',
    );
    expect(after).toContain("  Assert<MessagesMatch<'stock_level'>>,\n];");
    expect(after).toContain('  [STOCK_LEVEL_PATTERNS.create]: [CreateStockLevelItemRequest, StockLevelItemView];\n}');
  });

  it('adds its .proto to `npm run proto:generate`', () => {
    const { scripts } = JSON.parse(addToPackageJson(read('package.json'), stockLevel)) as {
      scripts: Record<string, string>;
    };

    expect(scripts['proto:generate']).toMatch(/\.proto stock_level\.proto && prettier/);
  });
});
