import { DomainError } from '@app/contracts';
import { UNIQUE_VIOLATION } from '@app/prisma';
import { Test } from '@nestjs/testing';
import { recordingLogger } from '@app/logging/testing';
import { getLoggerToken } from 'nestjs-pino';
import { Prisma, type User } from '../generated/prisma/client';
import { PrismaClient } from '../generated/prisma/client';
import { UsersService } from './users.service';

function knownRequestError(code: string): Prisma.PrismaClientKnownRequestError {
  return new Prisma.PrismaClientKnownRequestError(`prisma failed with ${code}`, {
    code,
    clientVersion: Prisma.prismaVersion.client,
    meta: { modelName: 'User', target: ['email'] },
  });
}

const USER_ID = '0b6c5a52-3d5e-4c1f-9a57-0f2f4c1b8e11';

const userRow = (overrides: Partial<User> = {}): User => ({
  id: USER_ID,
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  orderCount: 3,
  createdAt: new Date('2024-05-06T07:08:09.123Z'),
  ...overrides,
});

describe(UsersService.name, () => {
  let sut: UsersService;
  let logger: ReturnType<typeof recordingLogger>;
  const prisma = {
    user: {
      create: jest.fn(),
      findUnique: jest.fn(),
      count: jest.fn(),
    },
  };

  beforeEach(async () => {
    jest.resetAllMocks();
    logger = recordingLogger();
    const moduleRef = await Test.createTestingModule({
      providers: [UsersService, PrismaClient, { provide: getLoggerToken(UsersService.name), useValue: logger }],
    })
      .overrideProvider(PrismaClient)
      .useValue(prisma)
      .compile();
    sut = moduleRef.get(UsersService);
  });

  describe('create', () => {
    const request = { email: 'ada@example.com', name: 'Ada Lovelace' };

    it('stores the user and returns its view, with an ISO createdAt and the order count', async () => {
      prisma.user.create.mockResolvedValue(userRow());

      const view = await sut.create(request);

      expect(prisma.user.create).toHaveBeenCalledTimes(1);
      expect(prisma.user.create).toHaveBeenCalledWith({ data: { email: 'ada@example.com', name: 'Ada Lovelace' } });
      expect(view).toStrictEqual({
        id: USER_ID,
        email: 'ada@example.com',
        name: 'Ada Lovelace',
        orderCount: 3,
        createdAt: '2024-05-06T07:08:09.123Z',
      });
    });

    it("logs 'user created' with the new user's id", async () => {
      prisma.user.create.mockResolvedValue(userRow());

      await sut.create(request);

      expect(logger.entries).toEqual([{ level: 'info', args: [{ userId: USER_ID }, 'user created'] }]);
    });

    it.each([
      ["Prisma's own PrismaClientKnownRequestError", () => knownRequestError(UNIQUE_VIOLATION)],
      [
        'an Error shaped like one',
        () => Object.assign(new Error('unique'), { name: 'PrismaClientKnownRequestError', code: 'P2002' }),
      ],
    ])('turns a unique violation (P2002) as %s into USER_EMAIL_TAKEN', async (_kind, makeError) => {
      const violation = makeError();
      expect(violation.name).toBe('PrismaClientKnownRequestError'); // what isPrismaError relies on
      prisma.user.create.mockRejectedValue(violation);

      const error: unknown = await sut.create(request).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'USER_EMAIL_TAKEN', message: 'a user with this email already exists' });
      expect(logger.entries.filter((entry) => entry.level === 'info')).toEqual([]);
    });

    it.each([
      ['another Prisma error (P2003)', () => knownRequestError('P2003')],
      ['a plain Error', () => new Error('connection reset')],
      [
        'an Error named like Prisma but without a code',
        () => Object.assign(new Error('x'), { name: 'PrismaClientKnownRequestError' }),
      ],
    ])('rethrows %s unchanged', async (_kind, makeError) => {
      const original = makeError();
      prisma.user.create.mockRejectedValue(original);

      const error: unknown = await sut.create(request).catch((caught: unknown) => caught);

      expect(error).toBe(original);
    });
  });

  describe('get', () => {
    it('returns the view of the user with this id', async () => {
      prisma.user.findUnique.mockResolvedValue(userRow({ orderCount: 0 }));

      const view = await sut.get(USER_ID);

      expect(prisma.user.findUnique).toHaveBeenCalledWith({ where: { id: USER_ID } });
      expect(view).toStrictEqual({
        id: USER_ID,
        email: 'ada@example.com',
        name: 'Ada Lovelace',
        orderCount: 0,
        createdAt: '2024-05-06T07:08:09.123Z',
      });
    });

    it('throws USER_NOT_FOUND when there is no such user', async () => {
      prisma.user.findUnique.mockResolvedValue(null);

      const error: unknown = await sut.get(USER_ID).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'USER_NOT_FOUND', message: `user ${USER_ID} does not exist` });
    });
  });

  describe('exists', () => {
    it.each([
      [0, false],
      [1, true],
    ])('counts users with the id: %i means %s', async (count, expected) => {
      prisma.user.count.mockResolvedValue(count);

      await expect(sut.exists(USER_ID)).resolves.toBe(expected);
      expect(prisma.user.count).toHaveBeenCalledWith({ where: { id: USER_ID } });
    });
  });
});
