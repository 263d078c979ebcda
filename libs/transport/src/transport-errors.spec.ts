import { DomainError } from '@app/contracts';
import { EmptyResponseException } from '@nestjs/microservices/errors/empty-response.exception';
import { TimeoutError, firstValueFrom, timeout, NEVER } from 'rxjs';
import { toDomainError } from './transport-errors';

const socketError = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe(toDomainError.name, () => {
  it('passes a DomainError through unchanged', () => {
    const error = new DomainError('USER_NOT_FOUND', 'No user');

    expect(toDomainError(error, 'user.get')).toBe(error);
  });

  it("rebuilds the remote service's DomainError from its payload", () => {
    const sut = toDomainError({ code: 'ORDER_USER_UNKNOWN', message: 'No such user' }, 'order.create');

    expect(sut).toMatchObject({ code: 'ORDER_USER_UNKNOWN', message: 'No such user' });
  });

  it('maps a timeout to SERVICE_TIMEOUT, keeping the TimeoutError as the cause', async () => {
    const timedOut = await firstValueFrom(NEVER.pipe(timeout(1))).catch((caught: unknown) => caught);
    expect(timedOut).toBeInstanceOf(TimeoutError);

    const sut = toDomainError(timedOut, 'user.get');

    expect(sut).toMatchObject({ code: 'SERVICE_TIMEOUT', message: 'user.get did not answer in time', cause: timedOut });
  });

  it.each([
    ['a refused connection', socketError('ECONNREFUSED')],
    ['a reset connection', socketError('ECONNRESET')],
    ["Nest's TCP client losing its peer", new Error('Connection closed')],
    ['NATS with no responders', new EmptyResponseException('user.get')],
  ])('maps %s to SERVICE_UNAVAILABLE', (_case, error) => {
    const sut = toDomainError(error, 'user.get');

    expect(sut).toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: 'user.get is unreachable', cause: error });
  });

  it('maps anything else to INTERNAL without its message', () => {
    const sut = toDomainError(new TypeError('secret internals'), 'user.get');

    expect(sut).toMatchObject({ code: 'INTERNAL', message: 'user.get failed' });
    expect(sut.message).not.toContain('secret');
  });
});
