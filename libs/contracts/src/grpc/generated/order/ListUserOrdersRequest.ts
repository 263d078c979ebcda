// Original file: libs/contracts/src/grpc/order.proto

export interface ListUserOrdersRequest {
  userId?: string;
  limit?: number;
  cursor?: string;
  _cursor?: 'cursor';
}

export interface ListUserOrdersRequest__Output {
  userId: string;
  limit: number;
  cursor?: string;
}
