// Original file: libs/contracts/src/grpc/user.proto

export interface UserView {
  id?: string;
  email?: string;
  name?: string;
  orderCount?: number;
  createdAt?: string;
}

export interface UserView__Output {
  id: string;
  email: string;
  name: string;
  orderCount: number;
  createdAt: string;
}
