// Original file: libs/contracts/src/grpc/user.proto

export interface UserExistsResponse {
  exists?: boolean;
}

export interface UserExistsResponse__Output {
  exists: boolean;
}
