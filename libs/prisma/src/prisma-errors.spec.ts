import { isDatabaseUnavailable } from './prisma-errors';

function prismaError(name: string, code?: string): Error {
  return Object.assign(new Error('Invalid `prisma.user.findUnique()` invocation'), { name, code });
}

describe(isDatabaseUnavailable.name, () => {
  it.each([
    ['an unreachable server (P1001)', prismaError('PrismaClientKnownRequestError', 'P1001')],
    ['a connection closed by the server (P1017)', prismaError('PrismaClientKnownRequestError', 'P1017')],
    ['a pool timeout (P2024)', prismaError('PrismaClientKnownRequestError', 'P2024')],
    ['a failed start-up', prismaError('PrismaClientInitializationError')],
    ['a pooled connection that died before its query', new Error('Connection terminated unexpectedly')],
    ['a connect timeout in the pool', new Error('timeout exceeded when trying to connect')],
    ['a query that got no answer', new Error('Query read timeout')],
  ])('is true for %s', (_case, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation (P2002)', prismaError('PrismaClientKnownRequestError', 'P2002')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a message that only mentions a connection', new Error('user Connection terminated unexpectedly is invalid')],
    ['not an error', undefined],
  ])('is false for %s', (_case, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
