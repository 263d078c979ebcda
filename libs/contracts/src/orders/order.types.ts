import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsOrderCursor } from './order-cursor';

export const MAX_ORDER_ITEMS = 50;

export class OrderItemInput {
  @ApiProperty({ example: 'BOOK-001', pattern: '^[A-Za-z0-9._-]{1,64}$' })
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'sku must be 1 to 64 letters, digits, dots, dashes or underscores' })
  sku!: string;

  @ApiProperty({ example: 2, minimum: 1, maximum: 1000 })
  @IsInt()
  @Min(1)
  @Max(1000)
  quantity!: number;

  @ApiProperty({ example: 1999, minimum: 1, maximum: 1_000_000 })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  unitPriceCents!: number;
}

/** Validated at the gateway and again by the order service, with the same rules. */
export class CreateOrderRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userId!: string;

  @ApiProperty({ type: [OrderItemInput], minItems: 1, maxItems: MAX_ORDER_ITEMS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ORDER_ITEMS)
  // ValidateNested alone lets a nested array through (`items: [[]]` has no fields to fail), and it reached the database.
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => OrderItemInput)
  items!: OrderItemInput[];
}

/** An Idempotency-Key: 1 to 255 printable ASCII characters (space to tilde), as Stripe and most APIs accept. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x20-\x7E]{1,255}$/;
export const IDEMPOTENCY_KEY_RULE = 'Idempotency-Key must be 1 to 255 printable ASCII characters';

/**
 * What the gateway sends the order service for POST /orders: the client's order and, when the client sent one, its
 * Idempotency-Key (an HTTP header, so it is not part of the body's CreateOrderRequest). Retries with the same key
 * and the same order get the same order back; the key is scoped to the order's user.
 */
export class CreateOrderMessage extends CreateOrderRequest {
  @IsOptional()
  @IsString()
  @Matches(IDEMPOTENCY_KEY_PATTERN, { message: IDEMPOTENCY_KEY_RULE })
  idempotencyKey?: string;
}

/** Page sizes of GET /users/:id/orders: a page holds `default` orders unless the client asks for 1 to `max`. */
export const ORDER_PAGE_LIMIT = { default: 20, max: 100 } as const;

/** The query of GET /users/:id/orders. Validated at the gateway; the service checks its message again. */
export class ListUserOrdersQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: ORDER_PAGE_LIMIT.max, default: ORDER_PAGE_LIMIT.default })
  @IsOptional()
  // Query values are strings; `transform` turns this one into a number before the checks run.
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(ORDER_PAGE_LIMIT.max)
  limit?: number;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page; omit it for the first page' })
  @IsOptional()
  @IsString()
  @IsOrderCursor()
  cursor?: string;
}

/** What the gateway sends the order service for GET /users/:id/orders: one page, newest first. */
export class ListUserOrdersRequest {
  @IsUUID()
  userId!: string;

  @IsInt()
  @Min(1)
  @Max(ORDER_PAGE_LIMIT.max)
  limit!: number;

  /** Absent for the first page. */
  @IsOptional()
  @IsString()
  @IsOrderCursor()
  cursor?: string;
}

export type OrderStatus = 'created';

export class OrderView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ enum: ['created'] })
  status!: OrderStatus;

  @ApiProperty()
  totalCents!: number;

  @ApiProperty({ type: [OrderItemInput] })
  items!: OrderItemInput[];

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

/**
 * A page as the order service answers it, on every transport: wrapped, as gRPC needs, and without `nextCursor` on
 * the last page (a proto3 `optional` field cannot be null).
 */
export interface OrderList {
  orders: OrderView[];
  nextCursor?: string;
}

/** A page of GET /users/:id/orders, newest first. */
export class OrderPage {
  @ApiProperty({ type: [OrderView] })
  orders!: OrderView[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass it as `cursor` to get the next page; null on the last page',
  })
  nextCursor!: string | null;
}

export class OrderCreatedEvent {
  @IsUUID()
  orderId!: string;

  @IsUUID()
  userId!: string;

  @IsInt()
  @Min(0)
  totalCents!: number;
}
