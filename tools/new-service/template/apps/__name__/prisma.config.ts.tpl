// Prisma 7 reads the datasource URL from here, not from schema.prisma.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  // process.env rather than env(): env() throws when the variable is unset, and `prisma generate`
  // (postinstall, build) must work without a database.
  datasource: { url: process.env.__NAME___DATABASE_URL },
});
