import { DynamicModule, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LoggerModule } from 'nestjs-pino';
import { createLoggerParams } from './logger-options';

/** nestjs-pino, configured once for all apps from the validated config. */
@Module({})
export class LoggingModule {
  /**
   * A method, not a static import list: nestjs-pino creates the @InjectPinoLogger() providers when
   * forRootAsync runs, so it must run after the app's services (and their decorators) have loaded.
   */
  static forRoot(): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => createLoggerParams(config),
        }),
      ],
    };
  }
}
