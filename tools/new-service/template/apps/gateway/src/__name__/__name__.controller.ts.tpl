import { Create__Name__ItemRequest, __Name__Client, __Name__ItemView } from '@app/contracts';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { ErrorBody } from '../errors/error-body';

/** The __name__ service's example pattern over HTTP: the gateway's span, then its RPC call, then the service's. */
@ApiTags('__name__')
@Controller('__name__')
export class __Name__Controller {
  constructor(private readonly __nameCamel__: __Name__Client) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: __Name__ItemView })
  @ApiBadRequestResponse({ type: ErrorBody })
  create(@Body() body: Create__Name__ItemRequest): Promise<__Name__ItemView> {
    return this.__nameCamel__.create(body);
  }
}
