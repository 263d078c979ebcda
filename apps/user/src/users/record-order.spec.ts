// Against a real PostgreSQL (embedded PGlite, or E2E_DATABASE_URL's server): what makes a redelivered order.created
// harmless is how one statement behaves beside a concurrent copy of itself, which no mock can show.
import { randomUUID } from 'node:crypto';
import { recordingLogger } from '@app/logging/testing';
import { PrismaPg } from '@prisma/adapter-pg';
import { TestDatabase, createTestDatabase } from '../../../../test/support/databases';
import { PrismaClient } from '../generated/prisma/client';
import { UsersService } from './users.service';

describe(`${UsersService.name}.recordOrder against PostgreSQL`, () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let logger: ReturnType<typeof recordingLogger>;
  let sut: UsersService;

  beforeAll(async () => {
    database = await createTestDatabase('user');
    prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: database.url }) });
  }, 60_000);

  afterAll(async () => {
    await prisma?.$disconnect();
    await database?.drop();
  });

  beforeEach(() => {
    logger = recordingLogger();
    sut = new UsersService(prisma, logger as never);
  });

  async function newUser(): Promise<string> {
    const { id } = await prisma.user.create({ data: { email: `${randomUUID()}@example.com`, name: 'Ada' } });
    return id;
  }

  const orderCount = async (userId: string) =>
    (await prisma.user.findUniqueOrThrow({ where: { id: userId } })).orderCount;
  const processed = (orderId: string) =>
    prisma.processedEvent.count({ where: { eventId: `order.created:${orderId}` } });
  const messages = () => logger.entries.map(({ level, args }) => [level, args[1]]);

  it('counts a new order once and records the event', async () => {
    const userId = await newUser();
    const orderId = randomUUID();

    await sut.recordOrder({ orderId, userId, totalCents: 100 });

    expect(await orderCount(userId)).toBe(1);
    expect(await processed(orderId)).toBe(1);
    expect(logger.entries).toEqual([{ level: 'info', args: [{ userId, orderId }, 'order counted'] }]);
  });

  it('changes nothing for a redelivery of an applied event', async () => {
    const userId = await newUser();
    const event = { orderId: randomUUID(), userId, totalCents: 100 };
    await sut.recordOrder(event);

    await sut.recordOrder(event);

    expect(await orderCount(userId)).toBe(1);
    expect(messages()).toEqual([
      ['info', 'order counted'],
      ['info', 'order.created already applied, ignored'],
    ]);
  });

  it('counts an event delivered 10 times at once exactly once, and other orders of the user alongside', async () => {
    const userId = await newUser();
    const duplicated = { orderId: randomUUID(), userId, totalCents: 100 };
    const others = Array.from({ length: 5 }, () => ({ orderId: randomUUID(), userId, totalCents: 1 }));

    await Promise.all([
      ...Array.from({ length: 10 }, () => sut.recordOrder(duplicated)),
      ...others.map((event) => sut.recordOrder(event)),
    ]);

    expect(await orderCount(userId)).toBe(6);
    expect(messages().filter(([, msg]) => msg === 'order counted')).toHaveLength(6);
    expect(messages().filter(([, msg]) => msg === 'order.created already applied, ignored')).toHaveLength(9);
  });

  it('records, without counting or throwing, the event of an unknown user', async () => {
    const orderId = randomUUID();
    const userId = randomUUID();

    await expect(sut.recordOrder({ orderId, userId, totalCents: 100 })).resolves.toBeUndefined();

    expect(await processed(orderId)).toBe(1);
    expect(logger.entries).toEqual([
      { level: 'warn', args: [{ userId, orderId }, 'order.created for an unknown user, ignored'] },
    ]);
  });
});
