import {
  CreateUserRequest,
  IdRequest,
  ORDER_EVENTS,
  OrderCreatedEvent,
  USER_PATTERNS,
  PingResponse,
  UserExistsResponse,
  UserView,
} from '@app/contracts';
import { RpcController } from '@app/transport';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { UsersService } from './users.service';

@RpcController()
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @MessagePattern(USER_PATTERNS.create)
  create(@Payload() request: CreateUserRequest): Promise<UserView> {
    return this.users.create(request);
  }

  @MessagePattern(USER_PATTERNS.get)
  get(@Payload() { id }: IdRequest): Promise<UserView> {
    return this.users.get(id);
  }

  @MessagePattern(USER_PATTERNS.exists)
  async exists(@Payload() { id }: IdRequest): Promise<UserExistsResponse> {
    return { exists: await this.users.exists(id) };
  }

  @MessagePattern(USER_PATTERNS.ping)
  ping(): PingResponse {
    return { ok: true };
  }

  @EventPattern(ORDER_EVENTS.created)
  onOrderCreated(@Payload() event: OrderCreatedEvent): Promise<void> {
    return this.users.recordOrder(event);
  }
}
