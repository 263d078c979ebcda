// The __name__ service's own database. The connection URL lives in ../prisma.config.ts (Prisma 7).

generator client {
  provider               = "prisma-client"
  output                 = "../src/generated/prisma"
  // Nest compiles with tsc (module commonjs, moduleResolution node): CommonJS, extensionless imports.
  moduleFormat           = "cjs"
  importFileExtension    = ""
  generatedFileExtension = "ts"
}

datasource db {
  provider = "postgresql"
}

/// The example model: replace it with the service's own, then `npm run db:migration:new -- __name__ <name>`.
model __Name__Item {
  id        String   @id @default(uuid()) @db.Uuid
  name      String
  createdAt DateTime @default(now()) @map("created_at") @db.Timestamptz(3)

  @@map("__name_snake___items")
}
