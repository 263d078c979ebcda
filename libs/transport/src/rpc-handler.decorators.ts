import { applyDecorators } from '@nestjs/common';
import { grpcMethodOf } from '@app/contracts';
import { EventPattern, GrpcMethod, MessagePattern } from '@nestjs/microservices';

/**
 * Handles a contract pattern on every transport: as a message pattern on TCP, NATS and RabbitMQ, and as the
 * pattern's method of the .proto service on gRPC. Controllers name the contract, never the transport.
 */
export function RpcHandler(pattern: string): MethodDecorator {
  const { service, method } = grpcMethodOf(pattern);
  return applyDecorators(MessagePattern(pattern), GrpcMethod(service, method));
}

/** Handles a contract event on every transport; over gRPC an event is a unary call to the consumer. */
export function EventHandler(pattern: string): MethodDecorator {
  const { service, method } = grpcMethodOf(pattern);
  return applyDecorators(EventPattern(pattern), GrpcMethod(service, method));
}
