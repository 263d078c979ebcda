// Original file: libs/contracts/src/grpc/user.proto

export interface CreateUserRequest {
  email?: string;
  name?: string;
}

export interface CreateUserRequest__Output {
  email: string;
  name: string;
}
