import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppName, loadConfig } from './app-config';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Makes the validated AppConfig injectable as `@Inject(APP_CONFIG)`. */
@Global()
@Module({})
export class ConfigModule {
  static forApp(app: AppName): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: APP_CONFIG, useFactory: () => loadConfig(app) }],
      exports: [APP_CONFIG],
    };
  }
}
