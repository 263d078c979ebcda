import { BadRequestException, ValidationPipe } from '@nestjs/common';
import { CreateOrderMessage, CreateOrderRequest } from '../orders/order.types';
import { CreateUserRequest } from '../users/user.types';
import { DomainError } from './domain-error';
import { validationOptions } from './validation';

const item = { sku: 'BOOK-1', quantity: 1, unitPriceCents: 100 };
const userId = '0b6c2f4e-8a53-4c4f-9f6e-3f1b2a7c9d10';

/** The pipes of the two layers: the gateway's (400) and a service's RpcController (VALIDATION_FAILED). */
const layers = [
  ['the gateway', new ValidationPipe(validationOptions()), BadRequestException],
  ['a service', new ValidationPipe(validationOptions({ toDomainError: true })), DomainError],
] as const;

async function validate(pipe: ValidationPipe, metatype: new () => object, value: unknown): Promise<unknown> {
  return pipe.transform(value, { type: 'body', metatype }).catch((rejection: unknown) => rejection);
}

function messageOf(rejection: unknown): string {
  if (rejection instanceof BadRequestException) {
    return ((rejection.getResponse() as { message: string[] }).message ?? []).join('; ');
  }
  return (rejection as Error).message;
}

describe.each(layers)('validation at %s', (_layer, pipe, Rejection) => {
  it.each([
    ['a NUL in the name', { email: 'ada@example.com', name: 'Ada\u0000L' }, /name must not contain NUL/],
    ['a NUL in the email', { email: 'ada\u0000@example.com', name: 'Ada' }, /email must not contain NUL/],
  ])('refuses a user with %s', async (_case, user, message) => {
    const result = await validate(pipe, CreateUserRequest, user);

    expect(result).toBeInstanceOf(Rejection);
    expect(messageOf(result)).toMatch(message);
  });

  it.each([
    ['a nested array', [[]]],
    ['a nested array of items', [[item]]],
    ['a number', [1]],
    ['a string', ['BOOK-1']],
    ['null', [null]],
    ['a valid item and a nested array', [item, []]],
  ])('refuses an order whose items hold %s', async (_case, items) => {
    for (const metatype of [CreateOrderRequest, CreateOrderMessage]) {
      const result = await validate(pipe, metatype, { userId, items });

      expect(result).toBeInstanceOf(Rejection);
      if (result instanceof DomainError) expect(result.code).toBe('VALIDATION_FAILED');
    }
  });

  it('accepts a valid user and order', async () => {
    expect(await validate(pipe, CreateUserRequest, { email: 'ada@example.com', name: 'Ada' })).toBeInstanceOf(
      CreateUserRequest,
    );
    expect(await validate(pipe, CreateOrderMessage, { userId, items: [item] })).toBeInstanceOf(CreateOrderMessage);
  });
});
