import { Create__Name__ItemRequest, __NAME___PATTERNS, __Name__ItemView } from '@app/contracts';
import { RpcController } from '@app/transport';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { __Name__Service } from './__name__.service';

@RpcController()
export class __Name__Controller {
  constructor(private readonly __nameCamel__: __Name__Service) {}

  @MessagePattern(__NAME___PATTERNS.create)
  create(@Payload() request: Create__Name__ItemRequest): Promise<__Name__ItemView> {
    return this.__nameCamel__.create(request);
  }
}
