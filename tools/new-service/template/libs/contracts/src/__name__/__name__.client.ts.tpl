import { RpcClient } from '../rpc/rpc-client';
import { __NAME___PATTERNS } from './__name__.patterns';
import { Create__Name__ItemRequest, __Name__ItemView } from './__name__.types';

/** Typed calls to the __name__ service; the transport behind `rpc` is configuration, not code. */
export class __Name__Client {
  constructor(private readonly rpc: RpcClient) {}

  create(request: Create__Name__ItemRequest): Promise<__Name__ItemView> {
    return this.rpc.send(__NAME___PATTERNS.create, request);
  }
}
