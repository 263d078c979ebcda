export * from './app-config';
export * from './config.module';
export { envSchema, type Env } from './env.schema';
export * from './services';
