export * from './app-config';
export * from './config.module';
export { TRANSPORT_KINDS, envSchema, type Env } from './env.schema';
export * from './services';
