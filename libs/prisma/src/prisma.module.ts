import { APP_INTERCEPTOR } from '@nestjs/core';
import { DynamicModule, Global, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DatabaseUnavailableInterceptor } from './database-unavailable.interceptor';
import { APP_CONFIG, AppConfig } from '@app/config';
import { type DbQueryEvent, dbMetricsEnabled, recordDbQuery } from '@app/tracing';
import { PrismaPg } from '@prisma/adapter-pg';

/** What the module needs of a generated PrismaClient. */
export interface PrismaClientLike {
  $connect(): Promise<void>;
  $disconnect(): Promise<void>;
  $queryRawUnsafe(query: string): Promise<unknown>;
  $on(event: 'query', listener: (event: DbQueryEvent) => void): void;
}

/** Query events are emitted to listeners, not printed: they feed the DB metrics. */
type QueryEvents = [{ emit: 'event'; level: 'query' }] | [];

export type PrismaClientClass = new (options: { adapter: PrismaPg; log: QueryEvents }) => PrismaClientLike;

/** The app's PrismaClient, whatever its generated class; for code that only needs the lifecycle or a ping. */
export const PRISMA_CLIENT = Symbol('PRISMA_CLIENT');

/**
 * Each service generates its own PrismaClient from its own schema; `PrismaModule.forRoot(PrismaClient)` provides that
 * class, built with the pg driver adapter (Prisma 7 needs no engine binary), injectable by the class itself. It
 * connects at start-up, so a wrong URL fails the boot rather than the first request, and disconnects on shutdown.
 */
@Global()
@Module({})
export class PrismaModule implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(PRISMA_CLIENT) private readonly client: PrismaClientLike) {}

  static forRoot(Client: PrismaClientClass): DynamicModule {
    return {
      module: PrismaModule,
      providers: [
        {
          provide: Client,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => {
            const recordQueries = dbMetricsEnabled();
            const client = new Client({
              adapter: new PrismaPg({
                connectionString: config.databaseUrl,
                connectionTimeoutMillis: config.database.connectTimeoutMs,
                query_timeout: config.database.queryTimeoutMs,
              }),
              log: recordQueries ? [{ emit: 'event', level: 'query' }] : [],
            });
            // Every query, sampled or not: db.client.operation.duration must not depend on the trace sampler.
            if (recordQueries) client.$on('query', (event) => recordDbQuery(event));
            return client;
          },
        },
        { provide: PRISMA_CLIENT, useExisting: Client },
        { provide: APP_INTERCEPTOR, useClass: DatabaseUnavailableInterceptor },
      ],
      exports: [Client, PRISMA_CLIENT],
    };
  }

  async onModuleInit(): Promise<void> {
    await this.client.$connect();
  }

  // Not onModuleDestroy: Nest runs that before it closes the servers, while handlers may still need the pool.
  async onApplicationShutdown(): Promise<void> {
    await this.client.$disconnect();
  }
}
