// Original file: libs/contracts/src/grpc/order.proto

export interface PingResponse {
  ok?: boolean;
}

export interface PingResponse__Output {
  ok: boolean;
}
