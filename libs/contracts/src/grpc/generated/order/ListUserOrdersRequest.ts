// Original file: libs/contracts/src/grpc/order.proto

export interface ListUserOrdersRequest {
  userId?: string;
}

export interface ListUserOrdersRequest__Output {
  userId: string;
}
