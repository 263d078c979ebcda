import { DynamicModule, Global, Module, OnModuleDestroy, OnModuleInit, Type } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { PrismaPg } from '@prisma/adapter-pg';

/** What every generated PrismaClient offers and the module relies on. */
export interface PrismaLifecycle extends OnModuleInit, OnModuleDestroy {
  $connect(): Promise<void>;
  $disconnect(): Promise<void>;
}

type PrismaServiceClass = Type<PrismaLifecycle> & (new (options: { adapter: PrismaPg }) => PrismaLifecycle);

/**
 * Each service generates its own PrismaClient from its own schema and extends it as PrismaService; this
 * module builds that class with the pg driver adapter (Prisma 7 needs no engine binary) and makes it global.
 */
@Global()
@Module({})
export class PrismaModule {
  static forRoot(PrismaService: PrismaServiceClass): DynamicModule {
    return {
      module: PrismaModule,
      providers: [
        {
          provide: PrismaService,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) =>
            new PrismaService({ adapter: new PrismaPg({ connectionString: config.databaseUrl }) }),
        },
      ],
      exports: [PrismaService],
    };
  }
}
