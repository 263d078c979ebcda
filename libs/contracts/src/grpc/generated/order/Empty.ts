// Original file: libs/contracts/src/grpc/order.proto

export interface Empty {}

export interface Empty__Output {}
