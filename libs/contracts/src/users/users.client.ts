import { IdRequest } from '../rpc/id.request';
import { PingResponse, RpcClient } from '../rpc/rpc-client';
import { USER_PATTERNS } from './user.patterns';
import { CreateUserRequest, UserExistsResponse, UserView } from './user.types';

/** Typed calls to the user service; the transport behind `rpc` is configuration, not code. */
export class UsersClient {
  constructor(private readonly rpc: RpcClient) {}

  create(request: CreateUserRequest): Promise<UserView> {
    return this.rpc.send(USER_PATTERNS.create, request);
  }

  get(id: string): Promise<UserView> {
    return this.rpc.send(USER_PATTERNS.get, { id } satisfies IdRequest);
  }

  exists(id: string): Promise<UserExistsResponse> {
    return this.rpc.send(USER_PATTERNS.exists, { id } satisfies IdRequest);
  }

  ping(): Promise<PingResponse> {
    return this.rpc.send(USER_PATTERNS.ping, {});
  }
}
