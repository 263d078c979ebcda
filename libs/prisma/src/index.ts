export * from './prisma-errors';
export * from './prisma.module';
