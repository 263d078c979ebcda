export * from './database-health.module';
export * from './prisma-errors';
export * from './prisma.module';
