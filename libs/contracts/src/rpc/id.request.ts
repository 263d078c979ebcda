import { IsUUID } from 'class-validator';

/** Payload of every "get by id" message. */
export class IdRequest {
  @IsUUID()
  id!: string;
}
