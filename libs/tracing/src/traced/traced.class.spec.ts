import 'reflect-metadata';
import { ATTR_CODE_FUNCTION_NAME } from '@opentelemetry/semantic-conventions';
import { useTestTracing } from '../testing/test-tracing';
import { Traced } from './traced.decorator';

// @Traced() on a whole class, and beside the metadata other decorators (Nest's) store on the same methods.
describe(Traced.name, () => {
  const { finished, onlySpan, startedCount } = useTestTracing();

  describe('on a class', () => {
    @Traced({ attributes: { 'app.layer': 'service' } })
    class Service {
      private stored = 0;

      constructor() {
        this.stored = 1;
      }

      get value(): number {
        return this.stored;
      }

      set value(value: number) {
        this.stored = value;
      }

      plain(): number {
        return this.stored;
      }

      @Traced({ name: 'service.special' })
      special(): void {}

      static helper(): void {}
    }

    @Traced({ name: 'users' })
    class Repository {
      find(): void {}
    }

    it('traces every own prototype method with the class options', () => {
      const sut = new Service();

      expect(sut.plain()).toBe(1);

      expect(onlySpan('Service.plain').attributes).toEqual({
        [ATTR_CODE_FUNCTION_NAME]: 'Service.plain',
        'app.layer': 'service',
      });
    });

    it('leaves the constructor, accessors and static methods alone', () => {
      const sut = new Service();
      sut.value = 5;
      expect(sut.value).toBe(5);
      Service.helper();

      expect(startedCount()).toBe(0);
      expect(Service.prototype.constructor).toBe(Service);
      const accessor = Object.getOwnPropertyDescriptor(Service.prototype, 'value');
      expect(typeof accessor?.get).toBe('function');
      expect(typeof accessor?.set).toBe('function');
    });

    it('lets method-level @Traced() options win, without tracing twice', () => {
      new Service().special();

      expect(finished().map((span) => span.name)).toEqual(['service.special']);
      expect(onlySpan('service.special').attributes).not.toHaveProperty('app.layer');
    });

    it('uses a class-level name as the span name prefix', () => {
      new Repository().find();

      expect(onlySpan('users.find').attributes[ATTR_CODE_FUNCTION_NAME]).toBe('Repository.find');
    });
  });

  describe('metadata', () => {
    const Tag =
      (value: string): MethodDecorator =>
      (_target, _key, descriptor) => {
        // Where Nest's @Get(), @UseGuards() and friends store theirs: on the function itself.
        Reflect.defineMetadata('test:tag', value, descriptor.value as object);
      };

    class Decorated {
      @Traced()
      @Tag('applied before @Traced')
      tracedLast(id: string, count: number): string {
        return `${id}${count}`;
      }

      @Tag('applied after @Traced')
      @Traced()
      tracedFirst(id: string): string {
        return id;
      }
    }

    @Traced()
    class ClassLevel {
      @Tag('applied before the class decorator')
      handle(flag: boolean): boolean {
        return flag;
      }
    }

    it.each([
      ['@Traced() above', Decorated.prototype.tracedLast, 'applied before @Traced'],
      ['@Traced() below', Decorated.prototype.tracedFirst, 'applied after @Traced'],
      ['class-level @Traced()', ClassLevel.prototype.handle, 'applied before the class decorator'],
    ])('keeps metadata stored on the method with %s', (_order, method, expected) => {
      expect(Reflect.getMetadata('test:tag', method)).toBe(expected);
    });

    it('keeps TypeScript design metadata, which lives on the prototype and key', () => {
      expect(Reflect.getMetadata('design:paramtypes', Decorated.prototype, 'tracedLast')).toEqual([String, Number]);
      expect(Reflect.getMetadata('design:returntype', Decorated.prototype, 'tracedFirst')).toBe(String);
      expect(Reflect.getMetadata('design:paramtypes', ClassLevel.prototype, 'handle')).toEqual([Boolean]);
    });

    it('still traces whatever the order', () => {
      new Decorated().tracedLast('a', 1);
      new Decorated().tracedFirst('b');
      new ClassLevel().handle(true);

      expect(finished().map((span) => span.name)).toEqual([
        'Decorated.tracedLast',
        'Decorated.tracedFirst',
        'ClassLevel.handle',
      ]);
    });
  });
});
