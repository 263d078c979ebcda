import { ApiProperty } from '@nestjs/swagger';

/** The shape of every error the gateway returns. */
export class ErrorBody {
  @ApiProperty({ example: 404 })
  statusCode!: number;

  @ApiProperty({ example: 'Not Found' })
  error!: string;

  @ApiProperty({ example: 'user 0b6c… does not exist' })
  message!: string;

  @ApiProperty({ nullable: true, type: String, description: 'The W3C trace id; look it up in Jaeger' })
  traceId!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'Echo of the x-request-id response header' })
  requestId!: string | null;
}
