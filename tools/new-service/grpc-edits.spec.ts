import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addToPackageJson, addToProtoCompat } from './edits';
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
  it('checks its generated types against its contract: the pattern’s request and response', () => {
    const after = addToProtoCompat(read('libs/contracts/src/grpc/proto-compat.ts'), stockLevel);

    expect(after).toContain("import type { ProtoGrpcType as StockLevelProto } from './generated/stock_level';\n");
    expect(after).toContain(
      "import type { CreateStockLevelItemRequest, StockLevelItemView } from '../stock-level/stock-level.types';\n",
    );
    expect(after).toMatch(/^type Proto = .* & StockLevelProto;$/m);
    expect(after).toMatch(
      /^interface ContractSignatures \{\n(?: {2}.*\n)+ {2}'stock-level\.create': \[CreateStockLevelItemRequest, StockLevelItemView\];\n\}$/m,
    );
  });

  it('adds its .proto to `npm run proto:generate`', () => {
    const { scripts } = JSON.parse(addToPackageJson(read('package.json'), stockLevel)) as {
      scripts: Record<string, string>;
    };

    expect(scripts['proto:generate']).toMatch(/\.proto stock_level\.proto && prettier/);
  });
});
