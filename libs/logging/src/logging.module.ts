import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LoggerModule } from 'nestjs-pino';
import { createLoggerParams } from './logger-options';

/** nestjs-pino, configured once for all apps from the validated config. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createLoggerParams(config),
    }),
  ],
})
export class LoggingModule {}
