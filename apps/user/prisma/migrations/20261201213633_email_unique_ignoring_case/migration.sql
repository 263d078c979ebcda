-- CreateIndex (written by hand: Prisma's schema language has no expression indexes, and `prisma migrate diff`
-- leaves this one alone). One account per address, whatever its case: Ada@Example.com and ada@example.com collide.
-- On a database that already holds such a pair this fails; merge or rename one of them first.
CREATE UNIQUE INDEX "users_email_lower_key" ON "users"(lower("email"));

-- DropIndex (the case-sensitive index, which the one above makes redundant)
DROP INDEX "users_email_key";
