import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';
import { NoNulCharacters } from '../rpc/validation';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Validated at the gateway and again by the user service, with the same rules. */
export class CreateUserRequest {
  @ApiProperty({ example: 'ada@example.com', maxLength: 254 })
  @Transform(trim)
  @IsEmail()
  @MaxLength(254)
  @NoNulCharacters()
  email!: string;

  @ApiProperty({ example: 'Ada Lovelace', minLength: 1, maxLength: 100 })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  @NoNulCharacters()
  name!: string;
}

export class UserView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  email!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ description: 'Orders placed by this user, counted from order.created events' })
  orderCount!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export interface UserExistsResponse {
  exists: boolean;
}
