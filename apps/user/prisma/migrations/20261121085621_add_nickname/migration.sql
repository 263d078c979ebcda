-- AlterTable
ALTER TABLE "users" ADD COLUMN     "nickname" TEXT;
