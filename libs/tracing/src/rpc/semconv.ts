import { ATTR_RPC_METHOD, ATTR_RPC_SYSTEM_NAME } from '@opentelemetry/semantic-conventions';

export { ATTR_RPC_METHOD, ATTR_RPC_SYSTEM_NAME };

// Messaging attributes are still incubating; @opentelemetry/semantic-conventions advises copying them
// rather than importing the unstable entry point.
export const ATTR_MESSAGING_SYSTEM_NAME = 'messaging.system.name';
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
export const ATTR_MESSAGING_OPERATION_NAME = 'messaging.operation.name';
export const ATTR_RPC_RESPONSE_STATUS_CODE = 'rpc.response.status_code';
export const ATTR_ERROR_TYPE = 'error.type';

/**
 * Nest microservice patterns are not one of the well-known RPC systems, so we use a custom value,
 * as the conventions allow. Spans are named after the pattern (`user.get`), which is the fully
 * qualified method name in the contract.
 */
export const RPC_SYSTEM_NESTJS = 'nestjs';
