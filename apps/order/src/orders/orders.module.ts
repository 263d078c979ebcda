import { RpcClientsModule } from '@app/transport';
import { Module } from '@nestjs/common';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';

@Module({
  imports: [RpcClientsModule.register(['users', 'orderEvents'])],
  controllers: [OrdersController],
  providers: [OrdersService],
})
export class OrdersModule {}
