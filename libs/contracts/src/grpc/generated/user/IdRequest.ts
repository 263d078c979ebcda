// Original file: libs/contracts/src/grpc/user.proto

export interface IdRequest {
  id?: string;
}

export interface IdRequest__Output {
  id: string;
}
