import { Test } from '@nestjs/testing';
import { recordingLogger } from '@app/logging/testing';
import { getLoggerToken } from 'nestjs-pino';
import { PrismaClient, type __Name__Item } from '../generated/prisma/client';
import { __Name__Service } from './__name__.service';

const ITEM_ID = '6f1c2b9e-8d4a-4e3b-9c5d-1a2b3c4d5e6f';

const itemRow = (overrides: Partial<__Name__Item> = {}): __Name__Item => ({
  id: ITEM_ID,
  name: 'First item',
  createdAt: new Date('2024-05-06T07:08:09.123Z'),
  ...overrides,
});

describe(__Name__Service.name, () => {
  let sut: __Name__Service;
  let logger: ReturnType<typeof recordingLogger>;
  const prisma = { __nameCamel__Item: { create: jest.fn() } };

  beforeEach(async () => {
    jest.resetAllMocks();
    logger = recordingLogger();
    const moduleRef = await Test.createTestingModule({
      providers: [
        __Name__Service,
        PrismaClient,
        { provide: getLoggerToken(__Name__Service.name), useValue: logger },
      ],
    })
      .overrideProvider(PrismaClient)
      .useValue(prisma)
      .compile();
    sut = moduleRef.get(__Name__Service);
  });

  describe('create', () => {
    it('stores the item and returns its view, with an ISO createdAt', async () => {
      prisma.__nameCamel__Item.create.mockResolvedValue(itemRow());

      const view = await sut.create({ name: 'First item' });

      expect(prisma.__nameCamel__Item.create).toHaveBeenCalledWith({ data: { name: 'First item' } });
      expect(view).toStrictEqual({ id: ITEM_ID, name: 'First item', createdAt: '2024-05-06T07:08:09.123Z' });
    });

    it("logs '__name__ item created' with the new item's id", async () => {
      prisma.__nameCamel__Item.create.mockResolvedValue(itemRow());

      await sut.create({ name: 'First item' });

      expect(logger.entries).toEqual([{ level: 'info', args: [{ itemId: ITEM_ID }, '__name__ item created'] }]);
    });

    it('lets a database error through, for the RPC filter and the span to report', async () => {
      const failure = new Error('connection reset');
      prisma.__nameCamel__Item.create.mockRejectedValue(failure);

      await expect(sut.create({ name: 'First item' })).rejects.toBe(failure);
      expect(logger.entries).toEqual([]);
    });
  });
});
