// Original file: libs/contracts/src/grpc/user.proto

export interface Empty {}

export interface Empty__Output {}
