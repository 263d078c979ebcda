// Original file: libs/contracts/src/grpc/order.proto

export interface OrderItemInput {
  sku?: string;
  quantity?: number;
  unitPriceCents?: number;
}

export interface OrderItemInput__Output {
  sku: string;
  quantity: number;
  unitPriceCents: number;
}
