export * from './client-options';
export * from './rpc-clients.module';
export * from './rpc-controller.decorator';
export * from './rpc-exception.filter';
export * from './server-strategy';
export * from './services';
