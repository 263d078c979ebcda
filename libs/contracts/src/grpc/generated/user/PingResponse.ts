// Original file: libs/contracts/src/grpc/user.proto

export interface PingResponse {
  ok?: boolean;
}

export interface PingResponse__Output {
  ok: boolean;
}
