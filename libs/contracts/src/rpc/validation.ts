import { ValidationError, ValidationPipeOptions } from '@nestjs/common';
import { NotContains } from 'class-validator';
import { DomainError } from './domain-error';

/**
 * The validation rules every app applies to incoming DTOs: unknown fields are rejected and types converted.
 * Services pass `toDomainError: true` so a bad message becomes a VALIDATION_FAILED answer, not a crash.
 */
export function validationOptions({ toDomainError = false } = {}): ValidationPipeOptions {
  return {
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    ...(toDomainError && {
      exceptionFactory: (errors: ValidationError[]) =>
        new DomainError('VALIDATION_FAILED', flattenMessages(errors).join('; ')),
    }),
  };
}

function flattenMessages(errors: ValidationError[]): string[] {
  return errors.flatMap((error) => [
    ...Object.values(error.constraints ?? {}),
    ...flattenMessages(error.children ?? []),
  ]);
}

/**
 * For every free-text field: PostgreSQL's text types cannot hold U+0000 (the insert fails with "invalid byte
 * sequence for encoding UTF8: 0x00"), so it is refused as invalid input rather than left to fail as a 500.
 */
export function NoNulCharacters(): PropertyDecorator {
  return NotContains('\u0000', { message: '$property must not contain NUL (\\u0000) characters' });
}
