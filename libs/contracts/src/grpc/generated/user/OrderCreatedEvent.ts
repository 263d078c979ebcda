// Original file: libs/contracts/src/grpc/user.proto

export interface OrderCreatedEvent {
  orderId?: string;
  userId?: string;
  totalCents?: number;
}

export interface OrderCreatedEvent__Output {
  orderId: string;
  userId: string;
  totalCents: number;
}
