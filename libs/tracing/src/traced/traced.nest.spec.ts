import 'reflect-metadata';
import {
  Body,
  type CanActivate,
  Controller,
  type ExecutionContext,
  Get,
  type INestApplication,
  Injectable,
  Param,
  Post,
  UseGuards,
  ValidationPipe,
} from '@nestjs/common';
import {
  type ClientProxy,
  ClientProxyFactory,
  MessagePattern,
  type MicroserviceOptions,
  Payload,
  Transport,
} from '@nestjs/microservices';
import { PATTERN_HANDLER_METADATA, PATTERN_METADATA } from '@nestjs/microservices/constants';
import { ApiOperation, DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { IsInt, IsString, Min, MinLength } from 'class-validator';
import type { AddressInfo, Server } from 'node:net';
import { type Observable, firstValueFrom, of } from 'rxjs';
import { Traced } from './traced.decorator';

class CreateItemDto {
  @IsString()
  @MinLength(1)
  name: string;

  @IsInt()
  @Min(1)
  quantity: number;
}

@Injectable()
class ApiKeyGuard implements CanActivate {
  static readonly seen: string[] = [];

  canActivate(execution: ExecutionContext): boolean {
    const request = execution.switchToHttp().getRequest<{ url: string; headers: Record<string, string> }>();
    ApiKeyGuard.seen.push(request.url);
    return request.headers['x-api-key'] === 'secret';
  }
}

@Injectable()
class ItemsService {
  @Traced()
  create(dto: CreateItemDto): CreateItemDto & { id: string } {
    return { id: 'item-1', ...dto };
  }
}

@Controller('items')
class ItemsController {
  constructor(private readonly items: ItemsService) {}

  @Traced() // above Nest's decorators: applied last, copies their metadata
  @Post()
  @UseGuards(ApiKeyGuard)
  @ApiOperation({ summary: 'Create an item' })
  create(@Body() dto: CreateItemDto): CreateItemDto & { id: string } {
    return this.items.create(dto);
  }

  @Get(':id')
  @UseGuards(ApiKeyGuard)
  @ApiOperation({ summary: 'Find an item' })
  @Traced() // below: applied first, Nest's metadata lands on the wrapper
  find(@Param('id') id: string): { id: string } {
    return { id };
  }
}

@Traced() // class-level, applied after every method decorator
@Controller('health')
class HealthController {
  @Get()
  @ApiOperation({ summary: 'Report health' })
  check(): { status: string } {
    return { status: 'ok' };
  }
}

@Controller()
class ItemsRpcController {
  @Traced({ kind: SpanKind.SERVER })
  @MessagePattern({ cmd: 'items.count' })
  count(@Payload() names: string[]): number {
    return names.length;
  }

  @MessagePattern('items.shout')
  @Traced({ kind: SpanKind.SERVER })
  shout(@Payload() text: string): Observable<string> {
    return of(text.toUpperCase());
  }
}

describe(Traced.name, () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const finished = (name: string): ReadableSpan[] => exporter.getFinishedSpans().filter((span) => span.name === name);

  let sut: INestApplication;
  let baseUrl: string;
  let rpcClient: ClientProxy;

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(provider);

    const moduleRef = await Test.createTestingModule({
      controllers: [ItemsController, HealthController, ItemsRpcController],
      providers: [ItemsService],
    }).compile();
    sut = moduleRef.createNestApplication({ logger: false });
    sut.useGlobalPipes(new ValidationPipe());
    sut.connectMicroservice<MicroserviceOptions>({ transport: Transport.TCP, options: { host: '127.0.0.1', port: 0 } });
    await sut.startAllMicroservices();
    await sut.listen(0, '127.0.0.1');

    const port = (server: Server): number => (server.address() as AddressInfo).port;
    baseUrl = `http://127.0.0.1:${port(sut.getHttpServer() as Server)}`;
    const rpcPort = port(sut.getMicroservices()[0].unwrap<Server>());
    rpcClient = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port: rpcPort } });
    await rpcClient.connect();
  });

  afterEach(() => {
    exporter.reset();
    ApiKeyGuard.seen.length = 0;
  });

  afterAll(async () => {
    await rpcClient?.close();
    await sut?.close();
    trace.disable();
    context.disable();
    await provider.shutdown();
  });

  const post = (path: string, body: unknown, apiKey = 'secret') =>
    fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify(body),
    });

  describe('in a Nest HTTP controller', () => {
    it('serves a route traced above its Nest decorators, with guard, validation and a child span', async () => {
      const response = await post('/items', { name: 'widget', quantity: 2 });

      expect(response.status).toBe(201);
      await expect(response.json()).resolves.toEqual({ id: 'item-1', name: 'widget', quantity: 2 });
      expect(ApiKeyGuard.seen).toEqual(['/items']);
      const [handler] = finished('ItemsController.create');
      const [service] = finished('ItemsService.create');
      expect(service.parentSpanContext?.spanId).toBe(handler.spanContext().spanId);
    });

    it('rejects invalid input with 400 before the traced handler runs', async () => {
      const response = await post('/items', { name: '', quantity: 0 });

      expect(response.status).toBe(400);
      const body = (await response.json()) as { message: string[] };
      expect(body.message).toEqual(
        expect.arrayContaining([expect.stringContaining('name'), expect.stringContaining('quantity')]),
      );
      expect(finished('ItemsController.create')).toHaveLength(0);
    });

    it('keeps the guard of a route traced below its Nest decorators', async () => {
      const denied = await fetch(`${baseUrl}/items/7`, { headers: { 'x-api-key': 'wrong' } });
      const allowed = await fetch(`${baseUrl}/items/7`, { headers: { 'x-api-key': 'secret' } });

      expect(denied.status).toBe(403);
      expect(allowed.status).toBe(200);
      await expect(allowed.json()).resolves.toEqual({ id: '7' });
      expect(ApiKeyGuard.seen).toEqual(['/items/7', '/items/7']);
      expect(finished('ItemsController.find')).toHaveLength(1);
    });

    it('serves routes of a class-level @Traced() controller', async () => {
      const response = await fetch(`${baseUrl}/health`);

      await expect(response.json()).resolves.toEqual({ status: 'ok' });
      expect(finished('HealthController.check')).toHaveLength(1);
    });
  });

  describe('in a Nest microservice controller', () => {
    it.each([
      ['above', 'count', { cmd: 'items.count' }],
      ['below', 'shout', 'items.shout'],
    ] as const)('keeps the message pattern of a handler traced %s @MessagePattern()', (_order, method, pattern) => {
      const handler = ItemsRpcController.prototype[method];

      expect(Reflect.getMetadata(PATTERN_METADATA, handler)).toEqual([pattern]);
      expect(Reflect.getMetadata(PATTERN_HANDLER_METADATA, handler)).toBeDefined();
    });

    it('answers a message over TCP from a traced handler', async () => {
      await expect(firstValueFrom(rpcClient.send<number>({ cmd: 'items.count' }, ['a', 'b', 'c']))).resolves.toBe(3);

      const [span] = finished('ItemsRpcController.count');
      expect(span.kind).toBe(SpanKind.SERVER);
    });

    it('answers a message over TCP from a traced handler returning an Observable', async () => {
      await expect(firstValueFrom(rpcClient.send<string>('items.shout', 'hi'))).resolves.toBe('HI');

      // Nest's subscription adopts the span of the call that built the Observable: one call, one span.
      expect(finished('ItemsRpcController.shout')).toHaveLength(1);
    });
  });

  describe('in a Swagger document', () => {
    let document: OpenAPIObject;

    beforeAll(() => {
      document = SwaggerModule.createDocument(sut, new DocumentBuilder().setTitle('traced').build());
    });

    it('still lists the summaries of traced routes, whatever the decorator order', () => {
      expect(document.paths['/items']?.post?.summary).toBe('Create an item');
      expect(document.paths['/items/{id}']?.get?.summary).toBe('Find an item');
      expect(document.paths['/health']?.get?.summary).toBe('Report health');
    });

    it('still knows the body type, read from design:paramtypes', () => {
      expect(document.paths['/items']?.post?.requestBody).toMatchObject({
        content: { 'application/json': { schema: { $ref: '#/components/schemas/CreateItemDto' } } },
      });
    });
  });
});
