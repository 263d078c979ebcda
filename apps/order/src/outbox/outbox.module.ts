import { RpcClientsModule } from '@app/transport';
import { Module } from '@nestjs/common';
import { OutboxRelay } from './outbox-relay';
import { OutboxService } from './outbox.service';

@Module({
  imports: [RpcClientsModule.register(['orderEvents'])],
  providers: [OutboxService, OutboxRelay],
  exports: [OutboxService],
})
export class OutboxModule {}
