import { validationOptions } from '@app/contracts';
import { Controller, UseFilters, UsePipes, ValidationPipe, applyDecorators } from '@nestjs/common';
import { RpcExceptionFilter } from './rpc-exception.filter';

/**
 * Marks a controller of message handlers: payloads are validated against their DTO classes and every error
 * leaves through RpcExceptionFilter. Scoped to RPC controllers because a service's HTTP side (health,
 * metrics) needs Nest's HTTP error handling, not an RPC filter.
 */
export function RpcController(): ClassDecorator {
  return applyDecorators(
    Controller(),
    UsePipes(new ValidationPipe(validationOptions({ toDomainError: true }))),
    UseFilters(RpcExceptionFilter),
  );
}
